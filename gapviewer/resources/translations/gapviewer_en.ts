<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>TrainDialog</name>
    <message numerus="yes">
        <location filename="../../app/train_dialog.py" line="+477"/>
        <source>Skipped %n file(s): {first}</source>
        <translation>
            <numerusform>Skipped %n file: {first}</numerusform>
            <numerusform>Skipped %n files: {first}</numerusform>
        </translation>
    </message>
</context>
</TS>
