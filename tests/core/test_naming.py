from gapviewer.core.naming import safe_name


def test_safe_name_keeps_dots_letters_and_dashes():
    assert safe_name("layer4.2.conv3") == "layer4.2.conv3"
    assert safe_name("grad-cam") == "grad-cam"


def test_safe_name_replaces_separators_and_spaces_with_one_underscore():
    assert safe_name("a/b\\c d:e") == "a_b_c_d_e"
    assert safe_name("  /x/ ") == "x"


def test_safe_name_is_never_empty():
    assert safe_name("///") == "map"
