<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/about.py" line="+24" />
        <source>loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+24" />
        <source>About gapviewer</source>
        <translation>gapviewer について</translation>
    </message>
    <message>
        <location line="+18" />
        <source>no model loaded yet</source>
        <translation>モデルはまだ読み込まれていません</translation>
    </message>
    <message>
        <location line="+1" />
        <source>{architecture} from {source} ({count} classes, {device})</source>
        <translation>{architecture}（入手元：{source}、{count} クラス、{device}）</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Contribution heat maps that explain image classifiers.</source>
        <translation>画像分類器の判断を寄与度ヒートマップで説明します。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model</source>
        <translation>モデル</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../app/feedback.py" line="+31" />
        <location line="+1" />
        <source>Close the message</source>
        <translation>メッセージを閉じる</translation>
    </message>
</context>
<context>
    <name>BrowserPanel</name>
    <message>
        <location filename="../../app/browser.py" line="+94" />
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Opened images: the arrow keys move through them</source>
        <translation>開いた画像の一覧：矢印キーで移動します</translation>
    </message>
</context>
<context>
    <name>BusyBar</name>
    <message>
        <location filename="../../app/feedback.py" line="+36" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop the running computation (Esc)</source>
        <translation>実行中の計算を中止します（Esc）</translation>
    </message>
</context>
<context>
    <name>CellView</name>
    <message>
        <location filename="../../app/overlay_view.py" line="+58" />
        <source>Remove this cell from the comparison</source>
        <translation>このセルを比較から外します</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove this cell</source>
        <translation>このセルを削除</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Heat map over the image</source>
        <translation>画像に重ねたヒートマップ</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Wheel zooms, dragging pans; the value under the pointer shows below</source>
        <translation>ホイールで拡大縮小、ドラッグで移動します。ポインター位置の値は下に表示されます</translation>
    </message>
    <message>
        <location line="+77" />
        <source>pixel ({x}, {y})   region ({region})   value {value}</source>
        <translation>画素 ({x}, {y})   領域 ({region})   値 {value}</translation>
    </message>
</context>
<context>
    <name>CompareGrid</name>
    <message>
        <location filename="../../app/compare_grid.py" line="+91" />
        <location line="+34" />
        <source>Decoding…</source>
        <translation>デコード中…</translation>
    </message>
    <message>
        <location line="-34" />
        <source>No image</source>
        <translation>画像なし</translation>
    </message>
    <message>
        <location line="+30" />
        <source>Hover over the image for the contribution value</source>
        <translation>画像にマウスを重ねると寄与度の値を表示します</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Open or drop images to begin</source>
        <translation>画像を開くか、ここにドロップして始めてください</translation>
    </message>
    <message>
        <location line="+2" />
        <source>No map: {problem}</source>
        <translation>マップなし：{problem}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Computing…</source>
        <translation>計算中…</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <location filename="../../app/controller.py" line="+62" />
        <source>Model not loaded</source>
        <translation>モデルが読み込まれていません</translation>
    </message>
    <message>
        <location line="+88" />
        <location line="+15" />
        <source>Scanning for images…</source>
        <translation>画像を探しています…</translation>
    </message>
    <message>
        <location line="-4" />
        <source>Scanning for images… {count} found</source>
        <translation>画像を探しています… {count} 件</translation>
    </message>
    <message>
        <location line="+14" />
        <source>{count} path(s) could not be opened: {path}: {reason}</source>
        <translation>{count} 個のパスを開けませんでした：{path}：{reason}</translation>
    </message>
    <message>
        <location line="+36" />
        <source>; still using {name}</source>
        <translation>。引き続き {name} を使用します</translation>
    </message>
    <message>
        <location line="+87" />
        <source>method {id} is not registered</source>
        <translation>手法 {id} は登録されていません</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Explaining…</source>
        <translation>説明を計算中…</translation>
    </message>
    <message>
        <location line="+35" />
        <source>failed ({message})</source>
        <translation>失敗しました（{message}）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Could not explain: {message}</source>
        <translation>説明を計算できませんでした：{message}</translation>
    </message>
    <message>
        <location line="+7" />
        <source>cancelled; change the image, class or cell to retry</source>
        <translation>キャンセルしました。画像・クラス・セルを変えると再計算します</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../app/crash_report.py" line="+54" />
        <source>gapviewer: unexpected error</source>
        <translation>gapviewer：予期しないエラー</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The full report was added to {path}</source>
        <translation>詳しいレポートを {path} に追記しました</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Copy details</source>
        <translation>詳細をコピー(&amp;C)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Copy the traceback and the versions to the clipboard, for a bug report</source>
        <translation>不具合報告用に、トレースバックとバージョン情報をクリップボードにコピーします</translation>
    </message>
</context>
<context>
    <name>DisplayBar</name>
    <message>
        <location filename="../../app/display_bar.py" line="+34" />
        <source>Transmittance of the heat map (0 % opaque, 100 % invisible), patent FIG. 6</source>
        <translation>ヒートマップの透過率（0 % で不透明、100 % で非表示）、特許 FIG. 6</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Transmittance</source>
        <translation>透過率</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+58" />
        <source>Colormap</source>
        <translation>カラーマップ</translation>
    </message>
    <message>
        <location line="-55" />
        <source>Per cell</source>
        <translation>セルごと</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Shared scale</source>
        <translation>共通スケール</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Signed (diverging)</source>
        <translation>符号付き（発散型）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Per cell: each map to its own range; shared: one range for the grid; signed: symmetric range around zero with a diverging colormap</source>
        <translation>セルごと：各マップを自身の範囲で表示、共通：グリッド全体で 1 つの範囲、符号付き：ゼロを中心に対称な範囲を発散型カラーマップで表示</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Nearest (regions)</source>
        <translation>最近傍（領域）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Bilinear</source>
        <translation>バイリニア</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Bicubic</source>
        <translation>バイキュービック</translation>
    </message>
    <message>
        <location line="+2" />
        <source>How layer-resolution maps are resized to the image: nearest shows the layer's regions as blocks (FIG. 6)</source>
        <translation>層の解像度のマップを画像サイズに拡大する方法：最近傍では層の領域がブロックとして見えます（FIG. 6）</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Transmittance</source>
        <translation>透過率(&amp;T)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Colormap</source>
        <translation>カラーマップ(&amp;C)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Scale</source>
        <translation>スケール(&amp;S)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Upsampling</source>
        <translation>拡大補間(&amp;U)</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Signed maps use the diverging {name} colormap</source>
        <translation>符号付きマップは発散型カラーマップ {name} を使います</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <location filename="../../app/engine.py" line="+385" />
        <source>the model changed; ask again</source>
        <translation>モデルが変わりました。もう一度実行してください</translation>
    </message>
</context>
<context>
    <name>ImageListModel</name>
    <message>
        <location filename="../../app/browser.py" line="-18" />
        <source>sample photo {name}</source>
        <translation>サンプル写真 {name}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="+85" />
        <source>Starting…</source>
        <translation>起動中…</translation>
    </message>
    <message>
        <location line="+8" />
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Image</source>
        <translation>画像(&amp;I)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Tools</source>
        <translation>ツール(&amp;T)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location line="+51" />
        <source>&amp;Open images…</source>
        <translation>画像を開く(&amp;O)…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open folder…</source>
        <translation>フォルダを開く…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Export view…</source>
        <translation>表示を書き出し(&amp;E)…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export &amp;grid…</source>
        <translation>グリッドを書き出し(&amp;G)…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Next image</source>
        <translation>次の画像(&amp;N)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Previous image</source>
        <translation>前の画像(&amp;P)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;First image</source>
        <translation>最初の画像(&amp;F)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Last image</source>
        <translation>最後の画像(&amp;L)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Add comparison cell</source>
        <translation>比較セルを追加(&amp;A)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Remove active cell</source>
        <translation>選択中のセルを削除(&amp;R)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Cancel computation</source>
        <translation>計算をキャンセル(&amp;C)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Transmittance -10 %</source>
        <translation>透過率 -10 %</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Transmittance +10 %</source>
        <translation>透過率 +10 %</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reset &amp;zoom</source>
        <translation>ズームをリセット(&amp;Z)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Presentation mode</source>
        <translation>プレゼンテーションモード(&amp;P)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Train model…</source>
        <translation>モデルを学習…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Scan labelled &amp;folder…</source>
        <translation>ラベル付きフォルダーをスキャン(&amp;F)…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Scan labelled &amp;list (CSV/JSON)…</source>
        <translation>ラベル付きリストをスキャン（CSV/JSON）(&amp;L)…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Open scan results…</source>
        <translation>スキャン結果を開く(&amp;O)…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Cancel scan</source>
        <translation>スキャンをキャンセル(&amp;C)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>キーボードショートカット(&amp;K)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;About gapviewer</source>
        <translation>gapviewer について(&amp;A)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The interface language changes the next time gapviewer starts</source>
        <translation>表示言語は gapviewer の次回起動時に切り替わります</translation>
    </message>
    <message>
        <location line="+3" />
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location line="+21" />
        <source>The language changes when gapviewer is started again</source>
        <translation>言語は gapviewer を再起動すると切り替わります</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Predictions</source>
        <translation>予測</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Explanation</source>
        <translation>説明</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Triage</source>
        <translation>トリアージ</translation>
    </message>
    <message>
        <location line="+55" />
        <location line="+108" />
        <source>Open images</source>
        <translation>画像を開く</translation>
    </message>
    <message>
        <location line="-102" />
        <source>Open folder</source>
        <translation>フォルダを開く</translation>
    </message>
    <message>
        <location line="+34" />
        <source>Scan a labelled folder (one sub-folder per class)</source>
        <translation>ラベル付きフォルダをスキャン（クラスごとに 1 つのサブフォルダ）</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Scan a labelled list</source>
        <translation>ラベル付きリストをスキャン</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Labelled lists (*.csv *.json)</source>
        <translation>ラベル付きリスト (*.csv *.json)</translation>
    </message>
    <message>
        <location line="+28" />
        <source>{name}: {count} classes, pre-GAP {layer}</source>
        <translation>{name}：{count} クラス、GAP 直前層 {layer}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Right / Left</source>
        <translation>Right / Left</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Next / previous image</source>
        <translation>次 / 前の画像</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Down / Up</source>
        <translation>Down / Up</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Next / previous image (in the image list)</source>
        <translation>次 / 前の画像（画像リスト内）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>First / last image</source>
        <translation>最初 / 最後の画像</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open a folder (recursively)</source>
        <translation>フォルダを開く（サブフォルダを含む）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export the active cell (PNG + .npy + .json)</source>
        <translation>選択中のセルを書き出す（PNG + .npy + .json）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export the comparison grid</source>
        <translation>比較グリッドを書き出す</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Transmittance -10 % / +10 %</source>
        <translation>透過率 -10 % / +10 %</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add a comparison cell</source>
        <translation>比較セルを追加</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove the active cell</source>
        <translation>選択中のセルを削除</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reset zoom</source>
        <translation>ズームをリセット</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancel the running computation / leave presentation mode</source>
        <translation>実行中の計算を中止 / プレゼンテーションモードを終了</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Presentation mode (full screen, large fonts)</source>
        <translation>プレゼンテーションモード（全画面、大きな文字）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This list</source>
        <translation>この一覧</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Mouse</source>
        <translation>マウス</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Wheel zooms, drag pans (all cells together); hover reads values</source>
        <translation>ホイールでズーム、ドラッグで移動（全セル連動）、マウスを重ねると値を表示</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Drop</source>
        <translation>ドロップ</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Drop image files or folders anywhere on the window</source>
        <translation>画像ファイルやフォルダをウィンドウのどこにでもドロップできます</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Keys</source>
        <translation>キー</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+24" />
        <source>Nothing to export yet: no map is shown</source>
        <translation>まだ書き出すものがありません：マップが表示されていません</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Export</source>
        <translation>書き出し</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Export failed: {error}</source>
        <translation>書き出しに失敗しました：{error}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Exported {count} files next to {path}</source>
        <translation>{count} 個のファイルを {path} と同じ場所に書き出しました</translation>
    </message>
</context>
<context>
    <name>MethodPanel</name>
    <message>
        <location filename="../../app/method_panel.py" line="+88" />
        <source>Every registered method</source>
        <translation>登録されているすべての手法</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Layers this method accepts, with output shapes; ★ marks pre-GAP</source>
        <translation>この手法で使える層と出力形状。★ は GAP 直前の層（pre-GAP）</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Add cell</source>
        <translation>セルを追加(&amp;A)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Add a comparison cell (a copy of this one; then change it)</source>
        <translation>比較セルを追加します（このセルの複製。追加後に変更してください）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Remove cell</source>
        <translation>セルを削除(&amp;R)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove the active comparison cell</source>
        <translation>選択中の比較セルを削除します</translation>
    </message>
    <message>
        <location line="+9" />
        <source>&amp;Method</source>
        <translation>手法(&amp;M)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Layer</source>
        <translation>層(&amp;L)</translation>
    </message>
    <message>
        <location line="+51" />
        <source>pre-GAP</source>
        <translation>GAP 直前</translation>
    </message>
    <message>
        <location line="+42" />
        <source>{name} has no usable layer in this model</source>
        <translation>{name} はこのモデルで使える層がありません</translation>
    </message>
</context>
<context>
    <name>MethodText</name>
    <message>
        <location filename="../../../build/i18n/method_texts.py" line="+3" />
        <source>Channels weighted by the class score's average gradient, summed, ReLU.</source>
        <translation>クラススコアの勾配の平均でチャネルを重み付けして足し合わせ、ReLU を適用します。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>ReLU</source>
        <translation>ReLU</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keep only positive evidence for the target (paper eq. 2); off shows the signed sum</source>
        <translation>対象クラスを支持する正の根拠だけを残します（論文 式 2）。オフにすると符号付きの和を表示します</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Grad-CAM with negated gradients: regions whose removal raises the score.</source>
        <translation>勾配の符号を反転した Grad-CAM：取り除くとスコアが上がる領域を示します。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keep only positive evidence against the target (paper eq. 2); off shows the signed sum</source>
        <translation>対象クラスに反する正の根拠だけを残します（論文 式 2）。オフにすると符号付きの和を表示します</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Each position's signed share of the class score, multiplied back layer by layer.</source>
        <translation>各位置がクラススコアに占める符号付きの割合を、層ごとに逆向きに掛け合わせて求めます。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>How far removing each region turns the direction of the GAP vector (1 - cos).</source>
        <translation>各領域を取り除いたときに GAP ベクトルの向きがどれだけ変わるか（1 - cos）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Formula</source>
        <translation>算出式</translation>
    </message>
    <message>
        <location line="+1" />
        <source>q3: 1-D; q5: a(1-D); q6: -aD; q7: a(2/(1+D)-1) (patent eqs. q3, q5-q7)</source>
        <translation>q3: 1-D、q5: a(1-D)、q6: -aD、q7: a(2/(1+D)-1)（特許 式 q3, q5-q7）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Coefficient a</source>
        <translation>係数 a</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Positive scale a of formulas q5-q7 (patent)</source>
        <translation>式 q5-q7 の正の係数 a（特許）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Each region's share of the GAP vector's length: cos(v_j, v_GAP) |v_j|.</source>
        <translation>各領域が GAP ベクトルの長さに占める分：cos(v_j, v_GAP) |v_j|。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Class activation map: the classifier's weights for the class times the features.</source>
        <translation>クラス活性化マップ：そのクラスに対する分類器の重みと特徴マップの積です。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Input gradient with ReLUs passing only positive gradients of positive inputs.</source>
        <translation>ReLU が正の入力に対する正の勾配だけを通す、入力に対する勾配です。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Channels</source>
        <translation>チャネル</translation>
    </message>
    <message>
        <location line="+1" />
        <source>How the input channels become one map: abs-max = max |gradient| (unsigned), sum (signed)</source>
        <translation>入力チャネルを 1 枚のマップにまとめる方法：abs-max = max |勾配|（符号なし）、sum（符号付き）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Guided backprop times Grad-CAM at the chosen layer, at input resolution.</source>
        <translation>Guided Backprop と選択した層の Grad-CAM の積（入力解像度）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>How much the score drops when a sliding patch hides each region.</source>
        <translation>スライドするパッチで各領域を隠したときにスコアがどれだけ下がるか。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Patch size</source>
        <translation>パッチサイズ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Side of the occluding square (1-D: length), in input pixels (Zeiler and Fergus)</source>
        <translation>隠す正方形の一辺（1 次元では長さ）、入力画素単位（Zeiler and Fergus）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stride</source>
        <translation>ストライド</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Step between patch positions, in input pixels; smaller is finer and slower</source>
        <translation>パッチ位置の間隔（入力画素単位）。小さいほど細かく、遅くなります</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fill</source>
        <translation>塗りつぶし</translation>
    </message>
    <message>
        <location line="+1" />
        <source>zero: the normalised input's zero (dataset mean colour); mean: the image's mean; blur: the image blurred (sigma = patch / 4)</source>
        <translation>zero：正規化後の入力のゼロ（データセットの平均色）、mean：画像の平均、blur：ぼかした画像（sigma = パッチ / 4）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Output</source>
        <translation>出力</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Drop of the score before softmax, or of the class probability</source>
        <translation>softmax 前のスコア、またはクラス確率の低下量</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Batch size</source>
        <translation>バッチサイズ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Occluded images per forward pass (more is faster, needs more memory)</source>
        <translation>1 回の順伝播で処理する隠蔽画像の数（多いほど速く、メモリを多く使います）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The GCM model's own evidence: its class weight map times the input, summed over channels; the class score is its mean.</source>
        <translation>GCM モデル自身の根拠：クラス重みマップと入力の積をチャネル方向に足し合わせたもので、その平均がクラススコアです。</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <location filename="../../app/model_panel.py" line="+32" />
        <source>Trust this model file?</source>
        <translation>このモデルファイルを信頼しますか？</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A full-model file (pickle or TorchScript) can run any Python code on this computer when it is opened, with your permissions: read or delete files, install software, send data.

Trust it only if it comes from an author you trust, through a channel you trust. Weights-only files (.safetensors, state dicts) never need this.

Trust this file?</source>
        <translation>モデル全体を保存したファイル（pickle や TorchScript）は、開いたときにあなたの権限でこのコンピューター上の任意の Python コードを実行できます。ファイルの読み取りや削除、ソフトウェアのインストール、データの送信も可能です。

信頼できる作者から信頼できる経路で入手した場合にのみ信頼してください。重みだけのファイル（.safetensors、state dict）ではこの確認は不要です。

このファイルを信頼しますか？</translation>
    </message>
    <message>
        <location line="+50" />
        <source>Built-in EfficientNet-Lite0 (ImageNet)</source>
        <translation>内蔵 EfficientNet-Lite0 (ImageNet)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>torchvision architecture + weights</source>
        <translation>torchvision のアーキテクチャ + 重み</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model file (.safetensors, trusted .pt)</source>
        <translation>モデルファイル（.safetensors、信頼済みの .pt）</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Weights or model file</source>
        <translation>重みまたはモデルファイル</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model files (*.safetensors *.pt *.pth *.bin);;All files (*)</source>
        <translation>モデルファイル (*.safetensors *.pt *.pth *.bin);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Class names (one per line)</source>
        <translation>クラス名（1 行に 1 つ）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Text (*.txt);;All files (*)</source>
        <translation>テキスト (*.txt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Trust file (it may run code)</source>
        <translation>ファイルを信頼する（コードが実行される可能性があります）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Needed for full pickles and TorchScript files; asks first</source>
        <translation>完全な pickle や TorchScript ファイルに必要です。実行前に確認します</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Load model</source>
        <translation>モデルを読み込む</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Loading the built-in model…</source>
        <translation>内蔵モデルを読み込み中…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Source</source>
        <translation>ソース</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Architecture</source>
        <translation>アーキテクチャ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Weights / file</source>
        <translation>重み / ファイル</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Class names</source>
        <translation>クラス名</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <location line="+33" />
        <source>this file</source>
        <translation>このファイル</translation>
    </message>
    <message>
        <location line="+22" />
        <source>Name an architecture or a file.</source>
        <translation>アーキテクチャ名またはファイルを指定してください。</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+9" />
        <source>none found</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <location line="+2" />
        <source>{classes} classes · input {size} · {device}&lt;br&gt;GAP layer: {gap}&lt;br&gt;Pre-GAP layer: {pre}</source>
        <translation>{classes} クラス · 入力 {size} · {device}&lt;br&gt;GAP 層：{gap}&lt;br&gt;GAP 直前層：{pre}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>mean in forward()</source>
        <translation>forward() 内の平均</translation>
    </message>
</context>
<context>
    <name>PredictionsPanel</name>
    <message>
        <location filename="../../app/predictions.py" line="+28" />
        <source>Click a class to explain it</source>
        <translation>クラスをクリックすると、そのクラスについて説明します</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Top-5 predictions</source>
        <translation>上位 5 件の予測</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Type or pick any class to explain</source>
        <translation>説明するクラスを入力するか選んでください</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Class to explain</source>
        <translation>説明するクラス</translation>
    </message>
    <message>
        <location line="+12" />
        <source>E&amp;xplain class</source>
        <translation>説明するクラス(&amp;X)</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Top-1 prediction (automatic)</source>
        <translation>第 1 位の予測（自動）</translation>
    </message>
    <message>
        <location line="+13" />
        <source>class {index}: {name}; click to explain it</source>
        <translation>クラス {index}：{name}。クリックで説明します</translation>
    </message>
    <message>
        <location line="+25" />
        <source>Explaining &lt;b&gt;{name}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; を説明中</translation>
    </message>
</context>
<context>
    <name>SignalWorkspace</name>
    <message>
        <location filename="../../app/signal_workspace.py" line="+50" />
        <source>Signals &amp; spectra</source>
        <translation>信号・スペクトル</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open signal or spectral image…</source>
        <translation>信号・スペクトル画像を開く…</translation>
    </message>
</context>
<context>
    <name>TriageLink</name>
    <message>
        <location filename="../../app/triage_link.py" line="+175" />
        <source>Load a model before scanning</source>
        <translation>スキャンの前にモデルを読み込んでください</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Reading labels…</source>
        <translation>ラベルを読み込み中…</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Scan cancelled after {done} of {total} images</source>
        <translation>{total} 枚中 {done} 枚でスキャンをキャンセルしました</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Scanned {count} images in {seconds} s</source>
        <translation>{count} 枚の画像を {seconds} 秒でスキャンしました</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Scanning: {done}/{total} images, {rate} images/s, {left} s left</source>
        <translation>スキャン中：{done}/{total} 枚、毎秒 {rate} 枚、残り {left} 秒</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Triage maps need a layer with a spatial grid</source>
        <translation>トリアージのマップには空間グリッドを持つ層が必要です</translation>
    </message>
    <message>
        <location line="+11" />
        <location line="+7" />
        <source>Re-running the network…</source>
        <translation>ネットワークを再実行中…</translation>
    </message>
    <message>
        <location line="+39" />
        <source>No labelled images in {source}</source>
        <translation>{source} にラベル付き画像がありません</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Scan stopped: {message}</source>
        <translation>スキャンが停止しました：{message}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>What-if failed: {message}</source>
        <translation>What-if に失敗しました：{message}</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Triage: {message}</source>
        <translation>トリアージ：{message}</translation>
    </message>
    <message>
        <location line="+4" />
        <source>What-if cancelled</source>
        <translation>What-if をキャンセルしました</translation>
    </message>
</context>
<context>
    <name>_PathEdit</name>
    <message>
        <location filename="../../app/model_panel.py" line="-142" />
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose a file</source>
        <translation>ファイルを選択</translation>
    </message>
</context>
</TS>