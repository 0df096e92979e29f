"""Style sheets: a calm dark theme, and larger type for presentation mode."""

STYLE = """
QMainWindow, QWidget#central, QDockWidget, QDialog { background: #26282c; }
QWidget { color: #dfe1e5; }
QScrollArea > QWidget > QWidget { background: #26282c; }
QTabBar::tab { background: #2f3237; color: #b9bdc3; padding: 4px 14px; border: none; }
QTabBar::tab:selected { background: #3a3e44; color: #ffffff; }
QCheckBox, QLabel { background: transparent; }
QDockWidget::title { background: #2f3237; padding: 4px 8px; font-weight: bold; }
QLabel#heading { font-weight: bold; color: #9cc4ec; padding-top: 6px; }
QLabel#cellTitle { padding: 3px 2px; }
QLabel#cellReadout { color: #a9adb3; padding: 2px 6px; font-family: monospace; }
QLabel#methodSummary { color: #b9bdc3; }
QFrame#banner { background: #5c2b29; border: 1px solid #a04a44; border-radius: 3px; }
QListView, QListWidget, QTableWidget, QScrollArea, QLineEdit, QComboBox, QSpinBox,
QDoubleSpinBox { background: #1f2124; border: 1px solid #3a3d42; border-radius: 3px; }
QListView::item:selected, QListWidget::item:selected { background: #2d5d8a; }
QPushButton { background: #34383e; border: 1px solid #474b52; border-radius: 3px;
              padding: 4px 10px; }
QPushButton:hover { background: #3e434a; }
QPushButton:disabled { color: #70747a; }
QProgressBar { background: #1f2124; border: 1px solid #3a3d42; border-radius: 3px; }
QProgressBar::chunk { background: #3d8fd6; }
QMenuBar { background: #2f3237; }
QMenuBar::item:selected, QMenu::item:selected { background: #2d5d8a; }
QMenu { background: #2f3237; }
QToolBar { border: none; }
QStatusBar { background: #2f3237; }
"""

PRESENTATION_STYLE = """
QWidget { font-size: 20pt; }
QLabel#cellReadout { font-size: 16pt; }
"""
