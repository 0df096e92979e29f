<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/about.py" line="+24"/>
        <source>loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>About gapviewer</source>
        <translation>gapviewer について</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>no model loaded yet</source>
        <translation>モデルはまだ読み込まれていません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{architecture} from {source} ({count} classes, {device})</source>
        <translation>{architecture}（入手元：{source}、{count} クラス、{device}）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Contribution heat maps that explain image classifiers.</source>
        <translation>画像分類器の判断を寄与度ヒートマップで説明します。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
</context>
<context>
    <name>ArchitectureDialog</name>
    <message>
        <location filename="../../app/signal_workspace.py" line="+346"/>
        <source>Load a trusted architecture</source>
        <translation>信頼できるアーキテクチャを読み込む</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>constructor arguments, e.g. num_classes=4, widths=[8,16]</source>
        <translation>コンストラクタ引数（例：num_classes=4, widths=[8,16]）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>L (signals) or H W (images)</source>
        <translation>L（信号）または H W（画像）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hz (audio models; empty for spectra)</source>
        <translation>Hz（音声モデル用。スペクトルでは空欄）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>I trust this code: importing the module runs it</source>
        <translation>このコードを信頼する（モジュールを読み込むとコードが実行されます）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Architecture</source>
        <translation>アーキテクチャ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Options</source>
        <translation>オプション</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+14"/>
        <source>Weights</source>
        <translation>重み</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Input size</source>
        <translation>入力サイズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Input channels</source>
        <translation>入力チャンネル数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample rate</source>
        <translation>サンプリングレート</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Weights (*.safetensors *.pt *.pth);;All files (*)</source>
        <translation>重み (*.safetensors *.pt *.pth);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>input size and sample rate must be numbers ({error})</source>
        <translation>入力サイズとサンプリングレートは数値で指定してください（{error}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the input size is L (signals) or H W (images)</source>
        <translation>入力サイズは L（信号）または H W（画像）で指定します</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../app/feedback.py" line="+31"/>
        <location line="+1"/>
        <source>Close the message</source>
        <translation>メッセージを閉じる</translation>
    </message>
</context>
<context>
    <name>BrowserPanel</name>
    <message>
        <location filename="../../app/browser.py" line="+125"/>
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opened images: the arrow keys move through them</source>
        <translation>開いた画像の一覧：矢印キーで移動します</translation>
    </message>
</context>
<context>
    <name>BusyBar</name>
    <message>
        <location filename="../../app/feedback.py" line="+38"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the running computation (Esc)</source>
        <translation>実行中の計算を中止します（Esc）</translation>
    </message>
</context>
<context>
    <name>CellView</name>
    <message>
        <location filename="../../app/overlay_view.py" line="+57"/>
        <source>Remove this cell from the comparison</source>
        <translation>このセルを比較から外します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove this cell</source>
        <translation>このセルを削除</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Heat map over the image</source>
        <translation>画像に重ねたヒートマップ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wheel zooms, dragging pans; the value under the pointer shows below</source>
        <translation>ホイールで拡大縮小、ドラッグで移動します。ポインター位置の値は下に表示されます</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>pixel ({x}, {y})   region ({region})   value {value}</source>
        <translation>画素 ({x}, {y})   領域 ({region})   値 {value}</translation>
    </message>
</context>
<context>
    <name>ChannelContributionBars</name>
    <message>
        <location filename="../../app/channel_picker.py" line="+35"/>
        <source>Gradient × input</source>
        <translation>勾配 × 入力</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>contribution (gradient × input)</source>
        <translation>寄与度（勾配 × 入力）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Contribution ratios</source>
        <translation>寄与率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>share of the class score</source>
        <translation>クラススコアに占める割合</translation>
    </message>
    <message>
        <location line="+130"/>
        <source>Per-channel measure</source>
        <translation>チャンネルごとの指標</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gradient × input: each band&apos;s summed x · ∂score/∂x, in score units.
Contribution ratios: each band&apos;s summed share of the class score, multiplied back layer by layer (the biases keep the rest of 1).</source>
        <translation>勾配 × 入力：各バンドの x · ∂score/∂x の総和（スコアの単位）。
寄与率：各バンドがクラススコアに占める割合の総和。層ごとに掛け戻して求めます（1 との差はバイアスの分です）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Measure</source>
        <translation>指標</translation>
    </message>
</context>
<context>
    <name>ChannelPicker</name>
    <message>
        <location line="-122"/>
        <source>One channel in grey</source>
        <translation>1 チャンネルをグレーで表示</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Red</source>
        <translation>赤</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Green</source>
        <translation>緑</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Blue</source>
        <translation>青</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Contrast of</source>
        <translation>コントラスト調整</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>channel {index}</source>
        <translation>チャンネル {index}</translation>
    </message>
</context>
<context>
    <name>CompareGrid</name>
    <message>
        <location filename="../../app/compare_grid.py" line="+91"/>
        <location line="+35"/>
        <source>Decoding…</source>
        <translation>デコード中…</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>No image</source>
        <translation>画像なし</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Hover over the image for the contribution value</source>
        <translation>画像にマウスを重ねると寄与度の値を表示します</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open or drop images to begin</source>
        <translation>画像を開くか、ここにドロップして始めてください</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No map: {problem}</source>
        <translation>マップなし：{problem}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Computing…</source>
        <translation>計算中…</translation>
    </message>
</context>
<context>
    <name>ConfusionMatrix</name>
    <message>
        <location filename="../../app/triage.py" line="+239"/>
        <source>Rows: true class; columns: predicted class. Click a cell to filter.</source>
        <translation>行は正解クラス、列は予測クラスです。セルをクリックすると絞り込みます。</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <location filename="../../app/controller.py" line="+63"/>
        <source>Model not loaded</source>
        <translation>モデルが読み込まれていません</translation>
    </message>
    <message>
        <location line="+89"/>
        <location line="+15"/>
        <source>Scanning for images…</source>
        <translation>画像を探しています…</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Scanning for images… {count} found</source>
        <translation>画像を探しています… {count} 件</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{count} path(s) could not be opened: {path}: {reason}</source>
        <translation>{count} 個のパスを開けませんでした：{path}：{reason}</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>; still using {name}</source>
        <translation>。引き続き {name} を使用します</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>method {id} is not registered</source>
        <translation>手法 {id} は登録されていません</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Explaining…</source>
        <translation>説明を計算中…</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>failed ({message})</source>
        <translation>失敗しました（{message}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not explain: {message}</source>
        <translation>説明を計算できませんでした：{message}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>cancelled; change the image, class or cell to retry</source>
        <translation>キャンセルしました。画像・クラス・セルを変えると再計算します</translation>
    </message>
</context>
<context>
    <name>CoreText</name>
    <message>
        <location filename="../../app/i18n.py" line="+86"/>
        <source>forward pass</source>
        <translation>順伝播</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>occlusion: done</source>
        <translation>occlusion：完了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>file not found</source>
        <translation>ファイルが見つかりません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>permission denied</source>
        <translation>アクセスが拒否されました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is a folder, not an image file</source>
        <translation>画像ファイルではなくフォルダです</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not a regular file</source>
        <translation>通常のファイルではありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>empty file (0 bytes)</source>
        <translation>空のファイルです（0 バイト）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>float array contains NaN or infinity</source>
        <translation>浮動小数点配列に NaN または無限大が含まれています</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>occlusion: batch {batch} of {batches}</source>
        <translation>occlusion：バッチ {batch} / {batches}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{method} at {layer}</source>
        <translation>{method}（{layer}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>image too large: {width} x {height} = {pixels} pixels exceeds the limit of {limit}</source>
        <translation>画像が大きすぎます：{width} x {height} = {pixels} 画素で、上限の {limit} 画素を超えています</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>truncated or corrupt {format} data ({detail})</source>
        <translation>{format} データが途切れているか壊れています（{detail}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unreadable image header ({detail})</source>
        <translation>画像ヘッダーを読み取れません（{detail}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cannot convert pixel mode {mode} to RGB ({detail})</source>
        <translation>画素モード {mode} を RGB に変換できません（{detail}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>corrupt {format} header</source>
        <translation>{format} ヘッダーが壊れています</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unsupported image format {format} (supported: {supported})</source>
        <translation>未対応の画像形式 {format} です（対応形式：{supported}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>not a recognised image file (supported: {supported})</source>
        <translation>画像ファイルとして認識できません（対応形式：{supported}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unsupported dtype {dtype}</source>
        <translation>未対応のデータ型 {dtype} です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Predicted: {name}</source>
        <translation>予測：{name}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>True: {name}</source>
        <translation>正解：{name}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Counterfactual: {name}</source>
        <translation>反実仮想：{name}</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../app/crash_report.py" line="+54"/>
        <source>gapviewer: unexpected error</source>
        <translation>gapviewer：予期しないエラー</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The full report was added to {path}</source>
        <translation>詳しいレポートを {path} に追記しました</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Copy details</source>
        <translation>詳細をコピー(&amp;C)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy the traceback and the versions to the clipboard, for a bug report</source>
        <translation>不具合報告用に、トレースバックとバージョン情報をクリップボードにコピーします</translation>
    </message>
</context>
<context>
    <name>DisplayBar</name>
    <message>
        <location filename="../../app/display_bar.py" line="+43"/>
        <source>Transmittance of the heat map (0 % opaque, 100 % invisible), patent FIG. 6</source>
        <translation>ヒートマップの透過率（0 % で不透明、100 % で非表示）、特許 FIG. 6</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Transmittance</source>
        <translation>透過率</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+54"/>
        <source>Colormap</source>
        <translation>カラーマップ</translation>
    </message>
    <message>
        <location line="-51"/>
        <source>Per cell</source>
        <translation>セルごと</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shared scale</source>
        <translation>共通スケール</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed (diverging)</source>
        <translation>符号付き（発散型）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Per cell: each map to its own range; shared: one range for the grid; signed: symmetric range around zero with a diverging colormap</source>
        <translation>セルごと：各マップを自身の範囲で表示、共通：グリッド全体で 1 つの範囲、符号付き：ゼロを中心に対称な範囲を発散型カラーマップで表示</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Nearest (regions)</source>
        <translation>最近傍（領域）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bilinear</source>
        <translation>バイリニア</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bicubic</source>
        <translation>バイキュービック</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>How layer-resolution maps are resized to the image: nearest shows the layer&apos;s regions as blocks (FIG. 6)</source>
        <translation>層の解像度のマップを画像サイズに拡大する方法：最近傍では層の領域がブロックとして見えます（FIG. 6）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Transmittance</source>
        <translation>透過率(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Colormap</source>
        <translation>カラーマップ(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Scale</source>
        <translation>スケール(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Upsampling</source>
        <translation>拡大補間(&amp;U)</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Signed maps use the diverging {name} colormap</source>
        <translation>符号付きマップは発散型カラーマップ {name} を使います</translation>
    </message>
</context>
<context>
    <name>EmptyStateHint</name>
    <message>
        <location filename="../../app/empty_state.py" line="+34"/>
        <source>No image open yet</source>
        <translation>まだ画像が開かれていません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Drop image files or folders anywhere on this window, or:</source>
        <translation>画像ファイルやフォルダをウィンドウのどこかにドロップするか、次から選んでください：</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open images…</source>
        <translation>画像を開く…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Choose image files (Ctrl+O)</source>
        <translation>画像ファイルを選びます（Ctrl+O）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open a folder…</source>
        <translation>フォルダを開く…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open every image in a folder and its sub-folders (Ctrl+Shift+O)</source>
        <translation>フォルダとそのサブフォルダにあるすべての画像を開きます（Ctrl+Shift+O）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the sample photos</source>
        <translation>サンプル写真を表示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Photos from scikit-image&apos;s data set, to try the methods at once</source>
        <translation>scikit-image のデータセットの写真で、すぐに手法を試せます</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Then choose a method and a layer on the right: the heat map appears over the image. F1 lists the keyboard shortcuts.</source>
        <translation>次に右側で手法と層を選ぶと、画像にヒートマップが重なって表示されます。F1 でキーボードショートカットの一覧を表示します。</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <location filename="../../app/engine.py" line="+405"/>
        <source>the model changed; ask again</source>
        <translation>モデルが変わりました。もう一度実行してください</translation>
    </message>
</context>
<context>
    <name>ImageListModel</name>
    <message>
        <location filename="../../app/browser.py" line="-28"/>
        <source>sample photo {name}</source>
        <translation>サンプル写真 {name}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="+89"/>
        <source>Starting…</source>
        <translation>起動中…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Image</source>
        <translation>画像(&amp;I)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Tools</source>
        <translation>ツール(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>&amp;Open images…</source>
        <translation>画像を開く(&amp;O)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open folder…</source>
        <translation>フォルダを開く…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Export view…</source>
        <translation>表示を書き出し(&amp;E)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export &amp;grid…</source>
        <translation>グリッドを書き出し(&amp;G)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Next image</source>
        <translation>次の画像(&amp;N)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Previous image</source>
        <translation>前の画像(&amp;P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;First image</source>
        <translation>最初の画像(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Last image</source>
        <translation>最後の画像(&amp;L)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Add comparison cell</source>
        <translation>比較セルを追加(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Remove active cell</source>
        <translation>選択中のセルを削除(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Cancel computation</source>
        <translation>計算をキャンセル(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transmittance -10 %</source>
        <translation>透過率 -10 %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transmittance +10 %</source>
        <translation>透過率 +10 %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset &amp;zoom</source>
        <translation>ズームをリセット(&amp;Z)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Presentation mode</source>
        <translation>プレゼンテーションモード(&amp;P)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Train model…</source>
        <translation>モデルを学習…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan labelled &amp;folder…</source>
        <translation>ラベル付きフォルダーをスキャン(&amp;F)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan labelled &amp;list (CSV/JSON)…</source>
        <translation>ラベル付きリストをスキャン（CSV/JSON）(&amp;L)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan with &amp;options (this machine or Ray)…</source>
        <translation>オプションを指定してスキャン（このマシンまたは Ray）(&amp;O)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open scan results…</source>
        <translation>スキャン結果を開く(&amp;O)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Cancel scan</source>
        <translation>スキャンをキャンセル(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>キーボードショートカット(&amp;K)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About gapviewer</source>
        <translation>gapviewer について(&amp;A)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The interface language changes the next time gapviewer starts</source>
        <translation>表示言語は gapviewer の次回起動時に切り替わります</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The language changes when gapviewer is started again</source>
        <translation>言語は gapviewer を再起動すると切り替わります</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Predictions</source>
        <translation>予測</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About this map</source>
        <translation>このマップについて</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Explanation</source>
        <translation>説明</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Triage</source>
        <translation>トリアージ</translation>
    </message>
    <message>
        <location line="+62"/>
        <location line="+113"/>
        <source>Open images</source>
        <translation>画像を開く</translation>
    </message>
    <message>
        <location line="-107"/>
        <source>Open folder</source>
        <translation>フォルダを開く</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Scan a labelled folder (one sub-folder per class)</source>
        <translation>ラベル付きフォルダをスキャン（クラスごとに 1 つのサブフォルダ）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Scan a labelled list</source>
        <translation>ラベル付きリストをスキャン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Labelled lists (*.csv *.json)</source>
        <translation>ラベル付きリスト (*.csv *.json)</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>{name}: {count} classes, pre-GAP {layer}</source>
        <translation>{name}：{count} クラス、GAP 直前層 {layer}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Right / Left</source>
        <translation>Right / Left</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Next / previous image</source>
        <translation>次 / 前の画像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Down / Up</source>
        <translation>Down / Up</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Next / previous image (in the image list)</source>
        <translation>次 / 前の画像（画像リスト内）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>First / last image</source>
        <translation>最初 / 最後の画像</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open a folder (recursively)</source>
        <translation>フォルダを開く（サブフォルダを含む）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export the active cell (PNG + .npy + .json)</source>
        <translation>選択中のセルを書き出す（PNG + .npy + .json）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export the comparison grid</source>
        <translation>比較グリッドを書き出す</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transmittance -10 % / +10 %</source>
        <translation>透過率 -10 % / +10 %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a comparison cell</source>
        <translation>比較セルを追加</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the active cell</source>
        <translation>選択中のセルを削除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset zoom</source>
        <translation>ズームをリセット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel the running computation / leave presentation mode</source>
        <translation>実行中の計算を中止 / プレゼンテーションモードを終了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Presentation mode (full screen, large fonts)</source>
        <translation>プレゼンテーションモード（全画面、大きな文字）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This list</source>
        <translation>この一覧</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mouse</source>
        <translation>マウス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wheel zooms, drag pans (all cells together); hover reads values</source>
        <translation>ホイールでズーム、ドラッグで移動（全セル連動）、マウスを重ねると値を表示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drop</source>
        <translation>ドロップ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Drop image files or folders anywhere on the window</source>
        <translation>画像ファイルやフォルダをウィンドウのどこにでもドロップできます</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keys</source>
        <translation>キー</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Nothing to export yet: no map is shown</source>
        <translation>まだ書き出すものがありません：マップが表示されていません</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export</source>
        <translation>書き出し</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Export failed: {error}</source>
        <translation>書き出しに失敗しました：{error}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Exported {count} files next to {path}</source>
        <translation>{count} 個のファイルを {path} と同じ場所に書き出しました</translation>
    </message>
</context>
<context>
    <name>MapInfoPanel</name>
    <message>
        <location filename="../../app/map_info.py" line="+43"/>
        <source>About this map</source>
        <translation>このマップについて</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No map yet: load a model and open an image.</source>
        <translation>まだマップがありません。モデルを読み込んで画像を開いてください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&lt;b&gt;{method}&lt;/b&gt;: {summary}</source>
        <translation>&lt;b&gt;{method}&lt;/b&gt;：{summary}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Source: {source}</source>
        <translation>出典：{source}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Parameters: {values} (others at their defaults)</source>
        <translation>パラメータ：{values}（ほかは既定値）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Parameters: the method&apos;s defaults</source>
        <translation>パラメータ：手法の既定値</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Layer: the input image (one value per input pixel)</source>
        <translation>層：入力画像（入力画素ごとに 1 つの値）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layer: the model&apos;s own map (it computes the map itself)</source>
        <translation>層：モデル自身のマップ（モデルがマップを計算します）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> (the pre-GAP layer)</source>
        <translation>（GAP 直前の層）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layer: {layer}{pre_gap}</source>
        <translation>層：{layer}{pre_gap}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Layer: {layer}{pre_gap}, {channels} channels on a {grid} grid: {regions} regions, each one value of the map</source>
        <translation>層：{layer}{pre_gap}、{channels} チャンネル、{grid} のグリッド：{regions} 個の領域がそれぞれマップの 1 つの値になります</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Class: none; the map is the same for every class</source>
        <translation>クラス：なし（マップはどのクラスでも同じです）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Class: the top-1 prediction (once it is known)</source>
        <translation>クラス：第 1 位の予測（判明しだい）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>chosen</source>
        <translation>選択</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>top-1</source>
        <translation>第 1 位の予測</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Class: {name} (#{index}, {chosen})</source>
        <translation>クラス：{name}（#{index}、{chosen}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Class: {name} (#{index}, {chosen}, p = {p:.1%})</source>
        <translation>クラス：{name}（#{index}、{chosen}、p = {p:.1%}）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Computed from the forward pass alone (no gradient)</source>
        <translation>順伝播だけで計算（勾配なし）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Computed from one backward pass of the class score</source>
        <translation>クラススコアの逆伝播 1 回で計算</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Computed from one backward pass with modified rules</source>
        <translation>規則を変更した逆伝播 1 回で計算</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Computed from many forward passes of altered inputs</source>
        <translation>入力を変えた多数の順伝播で計算</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Computed by the model&apos;s own architecture</source>
        <translation>モデル自身のアーキテクチャで計算</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Values: being computed</source>
        <translation>値：計算中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Values: none ({reason})</source>
        <translation>値：なし（{reason}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Values: {low} to {high} (raw, before colouring)</source>
        <translation>値：{low} ～ {high}（着色前の生の値）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>; the method is signed (zero is no effect: choose the signed scale to see both signs)</source>
        <translation>。この手法は符号付きです（0 は影響なし。正負の両方を見るには符号付きスケールを選んでください）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>each cell from its own minimum (0) to maximum (1)</source>
        <translation>セルごとに最小値 (0) から最大値 (1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>one range shared by all cells of the grid</source>
        <translation>グリッドの全セルで共通の範囲</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>symmetric around zero, zero in the middle of the colormap</source>
        <translation>ゼロを中心に対称（ゼロがカラーマップの中央）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Colours: {scale}; colormap {colormap}; upsampling to the image: {upsampling}; transmittance {transmittance} %</source>
        <translation>色：{scale}、カラーマップ {colormap}、画像への拡大補間 {upsampling}、透過率 {transmittance} %</translation>
    </message>
</context>
<context>
    <name>MaskPainter</name>
    <message>
        <location filename="../../app/whatif.py" line="+59"/>
        <source>Click or drag over the image to choose the regions to invalidate</source>
        <translation>画像をクリックまたはドラッグして、無効化する領域を選びます</translation>
    </message>
</context>
<context>
    <name>MethodPanel</name>
    <message>
        <location filename="../../app/method_panel.py" line="+87"/>
        <source>Every registered method</source>
        <translation>登録されているすべての手法</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Layers this method accepts, with output shapes; ★ marks pre-GAP</source>
        <translation>この手法で使える層と出力形状。★ は GAP 直前の層（pre-GAP）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Add cell</source>
        <translation>セルを追加(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add a comparison cell (a copy of this one; then change it)</source>
        <translation>比較セルを追加します（このセルの複製。追加後に変更してください）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Remove cell</source>
        <translation>セルを削除(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the active comparison cell</source>
        <translation>選択中の比較セルを削除します</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Method</source>
        <translation>手法(&amp;M)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Layer</source>
        <translation>層(&amp;L)</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>pre-GAP</source>
        <translation>GAP 直前</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>{name} has no usable layer in this model</source>
        <translation>{name} はこのモデルで使える層がありません</translation>
    </message>
</context>
<context>
    <name>MethodText</name>
    <message>
        <location filename="../../../build/i18n/method_texts.py" line="+3"/>
        <source>Channels weighted by the class score&apos;s average gradient, summed, ReLU.</source>
        <translation>クラススコアの勾配の平均でチャネルを重み付けして足し合わせ、ReLU を適用します。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ReLU</source>
        <translation>ReLU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep only positive evidence for the target (paper eq. 2); off shows the signed sum</source>
        <translation>対象クラスを支持する正の根拠だけを残します（論文 式 2）。オフにすると符号付きの和を表示します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grad-CAM with negated gradients: regions whose removal raises the score.</source>
        <translation>勾配の符号を反転した Grad-CAM：取り除くとスコアが上がる領域を示します。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep only positive evidence against the target (paper eq. 2); off shows the signed sum</source>
        <translation>対象クラスに反する正の根拠だけを残します（論文 式 2）。オフにすると符号付きの和を表示します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Each position&apos;s signed share of the class score, multiplied back layer by layer.</source>
        <translation>各位置がクラススコアに占める符号付きの割合を、層ごとに逆向きに掛け合わせて求めます。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How far removing each region turns the direction of the GAP vector (1 - cos).</source>
        <translation>各領域を取り除いたときに GAP ベクトルの向きがどれだけ変わるか（1 - cos）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Formula</source>
        <translation>算出式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>q3: 1-D; q5: a(1-D); q6: -aD; q7: a(2/(1+D)-1) (patent eqs. q3, q5-q7)</source>
        <translation>q3: 1-D、q5: a(1-D)、q6: -aD、q7: a(2/(1+D)-1)（特許 式 q3, q5-q7）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coefficient a</source>
        <translation>係数 a</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Positive scale a of formulas q5-q7 (patent)</source>
        <translation>式 q5-q7 の正の係数 a（特許）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Each region&apos;s share of the GAP vector&apos;s length: cos(v_j, v_GAP) |v_j|.</source>
        <translation>各領域が GAP ベクトルの長さに占める分：cos(v_j, v_GAP) |v_j|。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Class activation map: the classifier&apos;s weights for the class times the features.</source>
        <translation>クラス活性化マップ：そのクラスに対する分類器の重みと特徴マップの積です。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Input gradient with ReLUs passing only positive gradients of positive inputs.</source>
        <translation>ReLU が正の入力に対する正の勾配だけを通す、入力に対する勾配です。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channels</source>
        <translation>チャネル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How the input channels become one map: abs-max = max |gradient| (unsigned), sum (signed)</source>
        <translation>入力チャネルを 1 枚のマップにまとめる方法：abs-max = max |勾配|（符号なし）、sum（符号付き）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Guided backprop times Grad-CAM at the chosen layer, at input resolution.</source>
        <translation>Guided Backprop と選択した層の Grad-CAM の積（入力解像度）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How much the score drops when a sliding patch hides each region.</source>
        <translation>スライドするパッチで各領域を隠したときにスコアがどれだけ下がるか。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Patch size</source>
        <translation>パッチサイズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Side of the occluding square (1-D: length), in input pixels (Zeiler and Fergus)</source>
        <translation>隠す正方形の一辺（1 次元では長さ）、入力画素単位（Zeiler and Fergus）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stride</source>
        <translation>ストライド</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step between patch positions, in input pixels; smaller is finer and slower</source>
        <translation>パッチ位置の間隔（入力画素単位）。小さいほど細かく、遅くなります</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fill</source>
        <translation>塗りつぶし</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>zero: the normalised input&apos;s zero (dataset mean colour); mean: the image&apos;s mean; blur: the image blurred (sigma = patch / 4)</source>
        <translation>zero：正規化後の入力のゼロ（データセットの平均色）、mean：画像の平均、blur：ぼかした画像（sigma = パッチ / 4）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Output</source>
        <translation>出力</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drop of the score before softmax, or of the class probability</source>
        <translation>softmax 前のスコア、またはクラス確率の低下量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>バッチサイズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Occluded images per forward pass (more is faster, needs more memory)</source>
        <translation>1 回の順伝播で処理する隠蔽画像の数（多いほど速く、メモリを多く使います）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The GCM model&apos;s own evidence: its class weight map times the input, summed over channels; the class score is its mean.</source>
        <translation>GCM モデル自身の根拠：クラス重みマップと入力の積をチャネル方向に足し合わせたもので、その平均がクラススコアです。</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <location filename="../../app/model_panel.py" line="+32"/>
        <source>Trust this model file?</source>
        <translation>このモデルファイルを信頼しますか？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A full-model file (pickle or TorchScript) can run any Python code on this computer when it is opened, with your permissions: read or delete files, install software, send data.

Trust it only if it comes from an author you trust, through a channel you trust. Weights-only files (.safetensors, state dicts) never need this.

Trust this file?</source>
        <translation>モデル全体を保存したファイル（pickle や TorchScript）は、開いたときにあなたの権限でこのコンピューター上の任意の Python コードを実行できます。ファイルの読み取りや削除、ソフトウェアのインストール、データの送信も可能です。

信頼できる作者から信頼できる経路で入手した場合にのみ信頼してください。重みだけのファイル（.safetensors、state dict）ではこの確認は不要です。

このファイルを信頼しますか？</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Built-in EfficientNet-Lite0 (ImageNet)</source>
        <translation>内蔵 EfficientNet-Lite0 (ImageNet)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>torchvision architecture + weights</source>
        <translation>torchvision のアーキテクチャ + 重み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model file (.safetensors, trusted .pt)</source>
        <translation>モデルファイル（.safetensors、信頼済みの .pt）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Weights or model file</source>
        <translation>重みまたはモデルファイル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model files (*.safetensors *.pt *.pth *.bin);;All files (*)</source>
        <translation>モデルファイル (*.safetensors *.pt *.pth *.bin);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Class names (one per line)</source>
        <translation>クラス名（1 行に 1 つ）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text (*.txt);;All files (*)</source>
        <translation>テキスト (*.txt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trust file (it may run code)</source>
        <translation>ファイルを信頼する（コードが実行される可能性があります）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Needed for full pickles and TorchScript files; asks first</source>
        <translation>完全な pickle や TorchScript ファイルに必要です。実行前に確認します</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Load model</source>
        <translation>モデルを読み込む</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading the built-in model…</source>
        <translation>内蔵モデルを読み込み中…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Source</source>
        <translation>ソース</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Architecture</source>
        <translation>アーキテクチャ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weights / file</source>
        <translation>重み / ファイル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Class names</source>
        <translation>クラス名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>this file</source>
        <translation>このファイル</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Name an architecture or a file.</source>
        <translation>アーキテクチャ名またはファイルを指定してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>none found</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{classes} classes · input {size} · {device}&lt;br&gt;GAP layer: {gap}&lt;br&gt;Pre-GAP layer: {pre}</source>
        <translation>{classes} クラス · 入力 {size} · {device}&lt;br&gt;GAP 層：{gap}&lt;br&gt;GAP 直前層：{pre}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>mean in forward()</source>
        <translation>forward() 内の平均</translation>
    </message>
</context>
<context>
    <name>PredictionsPanel</name>
    <message>
        <location filename="../../app/predictions.py" line="+28"/>
        <source>Click a class to explain it</source>
        <translation>クラスをクリックすると、そのクラスについて説明します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-5 predictions</source>
        <translation>上位 5 件の予測</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Type or pick any class to explain</source>
        <translation>説明するクラスを入力するか選んでください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Class to explain</source>
        <translation>説明するクラス</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>E&amp;xplain class</source>
        <translation>説明するクラス(&amp;X)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Top-1 prediction (automatic)</source>
        <translation>第 1 位の予測（自動）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>class {index}: {name}; click to explain it</source>
        <translation>クラス {index}：{name}。クリックで説明します</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Explaining &lt;b&gt;{name}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; を説明中</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <location filename="../../app/triage.py" line="-87"/>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>True</source>
        <translation>正解</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Predicted</source>
        <translation>予測</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>P(true)</source>
        <translation>P(正解)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>P(predicted)</source>
        <translation>P(予測)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Correct</source>
        <translation>正誤</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>failed: {error}</source>
        <translation>失敗：{error}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>yes</source>
        <translation>正解</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>誤り</translation>
    </message>
</context>
<context>
    <name>ScanDialog</name>
    <message>
        <location filename="../../app/cluster_scan.py" line="+170"/>
        <source>Scan labelled images</source>
        <translation>ラベル付き画像をスキャン</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>a folder root/&lt;class&gt;/*, or a .csv/.json list</source>
        <translation>フォルダー root/&lt;クラス&gt;/*、または .csv/.json のリスト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folder…</source>
        <translation>フォルダー…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>List…</source>
        <translation>リスト…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This computer</source>
        <translation>このコンピューター</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan on the viewer&apos;s model thread</source>
        <translation>ビューアーのモデルスレッドでスキャンします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ray cluster</source>
        <translation>Ray クラスター</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan with Ray Data actors, one model copy each</source>
        <translation>Ray Data のアクターでスキャンします（アクターごとにモデルを 1 つ複製）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Needs the cluster extra: pip install gapviewer[cluster]</source>
        <translation>cluster エクストラが必要です：pip install gapviewer[cluster]</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>empty: start a local Ray instance</source>
        <translation>空欄：ローカルの Ray インスタンスを起動</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A running cluster: auto, or HEAD:6379</source>
        <translation>実行中のクラスター：auto、または HEAD:6379</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Model copies (Ray actors), one CPU or GPU each</source>
        <translation>モデルの複製数（Ray アクター）。それぞれ CPU または GPU を 1 つ使います</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Images per forward pass</source>
        <translation>1 回の順伝播で処理する画像数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a folder of Parquet parts (resumed if it exists)</source>
        <translation>Parquet パーツのフォルダー（既にあれば続きから再開）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Store each image&apos;s map (gap-direction)</source>
        <translation>各画像のマップを保存（gap-direction）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choosing a row then shows the stored map instead of recomputing it</source>
        <translation>行を選ぶと、再計算せずに保存済みのマップを表示します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Engine</source>
        <translation>実行エンジン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cluster address</source>
        <translation>クラスターのアドレス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Workers</source>
        <translation>ワーカー数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>バッチサイズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Results folder</source>
        <translation>結果フォルダー</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Scan</source>
        <translation>スキャン</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>A labelled folder (one sub-folder per class)</source>
        <translation>ラベル付きフォルダー（クラスごとに 1 つのサブフォルダー）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A labelled list</source>
        <translation>ラベル付きリスト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Labelled lists (*.csv *.json)</source>
        <translation>ラベル付きリスト (*.csv *.json)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Results folder (Parquet parts)</source>
        <translation>結果フォルダー（Parquet パーツ）</translation>
    </message>
</context>
<context>
    <name>SignalView</name>
    <message>
        <location filename="../../app/signal_view.py" line="+46"/>
        <source>contribution</source>
        <translation>寄与度</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>lines</source>
        <translation>波形</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>spectrogram</source>
        <translation>スペクトログラム</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>View</source>
        <translation>表示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Transmittance</source>
        <translation>透過率</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>channel {index}</source>
        <translation>チャンネル {index}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>time</source>
        <translation>時間</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>sample</source>
        <translation>サンプル</translation>
    </message>
    <message>
        <location line="+85"/>
        <source>frequency</source>
        <translation>周波数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>value</source>
        <translation>値</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>sample {index}</source>
        <translation>サンプル {index}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>region {index}: contribution {value:.4g}</source>
        <translation>領域 {index}：寄与度 {value:.4g}</translation>
    </message>
</context>
<context>
    <name>SignalWorkspace</name>
    <message>
        <location filename="../../app/signal_workspace.py" line="-347"/>
        <source>Signals &amp; spectra</source>
        <translation>信号・スペクトル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open signal or spectral image…</source>
        <translation>信号・スペクトル画像を開く…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signals and spectral images (*.wav *.flac *.csv *.tsv *.txt *.npy *.tif *.tiff);;All files (*)</source>
        <translation>信号・スペクトル画像 (*.wav *.flac *.csv *.tsv *.txt *.npy *.tif *.tiff);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Audio playback needs Qt Multimedia (pip install PySide6-Addons)</source>
        <translation>音声の再生には Qt Multimedia が必要です（pip install PySide6-Addons）</translation>
    </message>
    <message>
        <location line="+388"/>
        <source>No model: choose a gapviewer .safetensors file</source>
        <translation>モデルなし：gapviewer の .safetensors ファイルを選んでください</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model file…</source>
        <translation>モデルファイル…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A 1-D or multi-channel model saved by gapviewer (.safetensors)</source>
        <translation>gapviewer で保存した 1 次元またはマルチチャンネルのモデル（.safetensors）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Architecture…</source>
        <translation>アーキテクチャ…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your own nn.Module class (package.module:Class) and weights</source>
        <translation>独自の nn.Module クラス（package.module:Class）と重み</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open…</source>
        <translation>開く…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Opened files (drop more here)</source>
        <translation>開いたファイル（ここにドロップして追加できます）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Array layout</source>
        <translation>配列のレイアウト</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How NPY, CSV and TIFF arrays are read: channels last (H × W × C, time × channels) or first (C × H × W, channels × time). Auto shows what it chose; changing it rereads the file.</source>
        <translation>NPY・CSV・TIFF の配列の読み方：チャンネルが最後（H × W × C、時間 × チャンネル）か最初（C × H × W、チャンネル × 時間）か。自動では選んだ結果を表示します。変更するとファイルを読み直します。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Layout</source>
        <translation>レイアウト</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+514"/>
        <source>Play</source>
        <translation>再生</translation>
    </message>
    <message>
        <location line="-512"/>
        <source>no playback</source>
        <translation>再生不可</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Layer</source>
        <translation>層</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Open or drop a signal (WAV, CSV, NPY) or a multi-channel image (TIFF, NPY).
Choose its model first: a gapviewer .safetensors file, or your own architecture.</source>
        <translation>信号（WAV、CSV、NPY）またはマルチチャンネル画像（TIFF、NPY）を開くか、ここにドロップしてください。
先にモデルを選んでください：gapviewer の .safetensors ファイル、または独自のアーキテクチャ。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Signals &amp; spectra progress</source>
        <translation>信号・スペクトルの進捗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel the computation</source>
        <translation>計算をキャンセルします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the running computation (Esc)</source>
        <translation>実行中の計算を中止します（Esc）</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Transmittance</source>
        <translation>透過率</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>per-channel contributions</source>
        <translation>チャンネルごとの寄与度</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cancelled: no new map was computed</source>
        <translation>キャンセルしました：新しいマップは計算されていません</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Loading {model}…</source>
        <translation>{model} を読み込み中…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Signal or multi-channel model</source>
        <translation>信号またはマルチチャンネルのモデル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>gapviewer models (*.safetensors)</source>
        <translation>gapviewer モデル (*.safetensors)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>every method applies</source>
        <translation>すべての手法が使えます</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{method} (does not apply)</source>
        <translation>{method}（適用不可）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>top-1</source>
        <translation>第 1 位の予測</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Opening {file}…</source>
        <translation>{file} を開いています…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>H × W × C</source>
        <translation>H × W × C</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>C × H × W</source>
        <translation>C × H × W</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>time × channels</source>
        <translation>時間 × チャンネル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>channels × time</source>
        <translation>チャンネル × 時間</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>channels last</source>
        <translation>チャンネルが最後</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>channels first</source>
        <translation>チャンネルが最初</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Auto</source>
        <translation>自動</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Auto: {layout}</source>
        <translation>自動：{layout}</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Computing {method} at {layer}…</source>
        <translation>{method} を {layer} で計算中…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{top}   (map for {target})</source>
        <translation>{top}   （{target} のマップ）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{method} at {layer}: {reason}</source>
        <translation>{method}（{layer}）：{reason}</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Per channel, class {target}: {measure}</source>
        <translation>チャンネルごと、クラス {target}：{measure}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>a map of shape {shape} cannot overlay an image</source>
        <translation>形状 {shape} のマップは画像に重ねられません</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>playback: {error}</source>
        <translation>再生：{error}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
</context>
<context>
    <name>ThemeSwitcher</name>
    <message>
        <location filename="../../app/theme.py" line="+43"/>
        <source>&amp;Theme</source>
        <translation>テーマ(&amp;T)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Follow the system</source>
        <translation>システムに合わせる</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
</context>
<context>
    <name>TrainDialog</name>
    <message>
        <location filename="../../app/train_dialog.py" line="+183"/>
        <source>Train model</source>
        <translation>モデルを学習</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>folder with one subfolder per class (images or signals), or &apos;digits&apos;</source>
        <translation>クラスごとにサブフォルダを置いたフォルダ（画像または信号）、または &apos;digits&apos;</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>gcm, small-gap-cnn, efficientnet-lite0, or a torchvision name for images; gap-cnn1d for signals (audio, spectra, time series)</source>
        <translation>画像には gcm、small-gap-cnn、efficientnet-lite0、または torchvision のモデル名、信号（音声、スペクトル、時系列）には gap-cnn1d</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Architecture</source>
        <translation>アーキテクチャ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>random</source>
        <translation>ランダム初期化</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>pretrained (built-in / ImageNet)</source>
        <translation>学習済み（内蔵 / ImageNet）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weights file…</source>
        <translation>重みファイル…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>weights file to start from</source>
        <translation>初期値にする重みファイル</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Start from</source>
        <translation>初期値</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>all layers</source>
        <translation>全層</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>head only</source>
        <translation>ヘッドのみ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train</source>
        <translation>学習する層</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Epochs / batch</source>
        <translation>エポック数 / バッチサイズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Input size</source>
        <translation>入力サイズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Learning rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Validation split</source>
        <translation>検証データの割合</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>median of the files</source>
        <translation>ファイルの長さの中央値</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> samples</source>
        <translation> サンプル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every signal is resampled, then padded or cut to this length, as when the model explains</source>
        <translation>各信号はリサンプリングされ、この長さに合わせて末尾を詰めるか切り詰めます（モデルが説明するときと同じ処理）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>most common rate of the audio files</source>
        <translation>音声ファイルで最も多いサンプリングレート</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model&apos;s sample rate: audio at other rates is resampled; tables and arrays are taken to be at it</source>
        <translation>モデルのサンプリングレート：異なるレートの音声はリサンプリングされ、表と配列はこのレートとみなされます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>tables and arrays are time × channels</source>
        <translation>表と配列は 時間 × チャンネル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Default: channels × time (one row per channel)</source>
        <translation>既定：チャンネル × 時間（チャンネルごとに 1 行）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Random gain of up to ± this, for augmentation</source>
        <translation>データ拡張のための最大 ± この値のランダムなゲイン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Length</source>
        <translation>長さ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample rate</source>
        <translation>サンプリングレート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layout</source>
        <translation>配置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gain</source>
        <translation>ゲイン</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save as</source>
        <translation>保存先</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose the data and press Start.</source>
        <translation>データを選んで［開始］を押してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>epoch</source>
        <translation>エポック</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>accuracy</source>
        <translation>正解率</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>train</source>
        <translation>学習</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>validation</source>
        <translation>検証</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Training data (one subfolder of images or signals per class)</source>
        <translation>学習データ（クラスごとに画像または信号のサブフォルダを 1 つ）</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>{rate:.0f} signals/s</source>
        <translation>毎秒 {rate:.0f} 信号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{rate:.0f} images/s</source>
        <translation>毎秒 {rate:.0f} 枚</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Epoch {epoch}/{epochs}, batch {batch}/{batches}: loss {loss:.4f}, accuracy {accuracy:.2%}, {rate}, {eta} left</source>
        <translation>エポック {epoch}/{epochs}、バッチ {batch}/{batches}：損失 {loss:.4f}、正解率 {accuracy:.2%}、{rate}、残り {eta}</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Choose the training data and the output file first.</source>
        <translation>先に学習データと出力ファイルを選んでください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reading the data…</source>
        <translation>データを読み込み中…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Stopping after the current batch…</source>
        <translation>現在のバッチの後で停止します…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>, validation accuracy {accuracy:.2%}</source>
        <translation>、検証正解率 {accuracy:.2%}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Saved {file}: epoch {epoch}, no validation images.</source>
        <translation>{file} を保存しました：エポック {epoch}、検証画像なし。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved {file}: epoch {epoch}, validation accuracy {accuracy:.2%}.</source>
        <translation>{file} を保存しました：エポック {epoch}、検証正解率 {accuracy:.2%}。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(stopped early)</source>
        <translation>（途中で停止）</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>Skipped %n file(s): {first}</source>
        <translation>
            <numerusform>%n 個のファイルをスキップしました：{first}</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Training failed: {error}</source>
        <translation>学習に失敗しました：{error}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancelled before the first epoch ended; nothing saved.</source>
        <translation>最初のエポックが終わる前にキャンセルしたため、何も保存していません。</translation>
    </message>
</context>
<context>
    <name>TriageLink</name>
    <message>
        <location filename="../../app/triage_link.py" line="+273"/>
        <location line="+59"/>
        <source>Load a model before scanning</source>
        <translation>スキャンの前にモデルを読み込んでください</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>Reading labels…</source>
        <translation>ラベルを読み込み中…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cancelling the Ray scan (it stops at the next result block)…</source>
        <translation>Ray スキャンをキャンセル中（次の結果ブロックで停止します）…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scan cancelled after {done} of {total} images</source>
        <translation>{total} 枚中 {done} 枚でスキャンをキャンセルしました</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Scanned {count} images in {seconds} s</source>
        <translation>{count} 枚の画像を {seconds} 秒でスキャンしました</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Scanning: {done}/{total} images, {rate} images/s, {left} s left</source>
        <translation>スキャン中：{done}/{total} 枚、毎秒 {rate} 枚、残り {left} 秒</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>A model given as a Python object cannot be sent to Ray workers: load it from a file or by name</source>
        <translation>Python オブジェクトとして渡されたモデルは Ray ワーカーに送れません。ファイルまたは名前で読み込んでください</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A Ray scan needs a results folder</source>
        <translation>Ray スキャンには結果フォルダーが必要です</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Starting the Ray scan…</source>
        <translation>Ray スキャンを開始中…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Ray scan: {done}/{total} images, {rate} images/s, {left} s left</source>
        <translation>Ray スキャン：{done}/{total} 枚、毎秒 {rate} 枚、残り {left} 秒</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ray scan: {done}/{total} images, starting the workers…</source>
        <translation>Ray スキャン：{done}/{total} 枚、ワーカーを起動中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ray scan: {done}/{total} images, measuring the rate…</source>
        <translation>Ray スキャン：{done}/{total} 枚、速度を計測中…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Ray scan cancelled after {done} of {total} images; the rows so far are in {out} (scan again to resume)</source>
        <translation>{total} 枚中 {done} 枚で Ray スキャンをキャンセルしました。ここまでの行は {out} にあります（もう一度スキャンすると再開します）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scanned {count} images on Ray in {seconds} s; results in {out}</source>
        <translation>Ray で {count} 枚の画像を {seconds} 秒でスキャンしました。結果は {out} にあります</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Ray scan stopped: {message}</source>
        <translation>Ray スキャンが停止しました：{message}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Ray scan cancelled before it started</source>
        <translation>Ray スキャンは開始前にキャンセルされました</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Load a model to compute this image&apos;s maps</source>
        <translation>この画像のマップを計算するにはモデルを読み込んでください</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Triage maps need a layer with a spatial grid</source>
        <translation>トリアージのマップには空間グリッドを持つ層が必要です</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Predicted: {label}, {method} at {layer} (stored)</source>
        <translation>予測：{label}、{method}（{layer}、保存済み）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stored maps from {name}: read from the results, not recomputed</source>
        <translation>{name} の保存済みマップ：結果から読み込み、再計算していません</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Stored maps unavailable: {message}</source>
        <translation>保存済みマップを使えません：{message}</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+7"/>
        <source>Re-running the network…</source>
        <translation>ネットワークを再実行中…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Recomputed with the loaded model</source>
        <translation>読み込んだモデルで再計算しました</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No labelled images in {source}</source>
        <translation>{source} にラベル付き画像がありません</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Scan stopped: {message}</source>
        <translation>スキャンが停止しました：{message}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What-if failed: {message}</source>
        <translation>What-if に失敗しました：{message}</translation>
    </message>
    <message>
        <location line="-135"/>
        <location line="+136"/>
        <source>Triage: {message}</source>
        <translation>トリアージ：{message}</translation>
    </message>
    <message>
        <location line="-386"/>
        <source>deletion</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>insertion</source>
        <translation>挿入</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{curve} (area {area:.2f})</source>
        <translation>{curve}（面積 {area:.2f}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{curve}, random order ({area:.2f})</source>
        <translation>{curve}、ランダム順（{area:.2f}）</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>A scan is already running</source>
        <translation>スキャンはすでに実行中です</translation>
    </message>
    <message>
        <location line="+282"/>
        <source>What-if cancelled</source>
        <translation>What-if をキャンセルしました</translation>
    </message>
</context>
<context>
    <name>TriageView</name>
    <message>
        <location filename="../../app/triage.py" line="+179"/>
        <source>Misclassified only</source>
        <translation>誤分類のみ</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+252"/>
        <source>(any)</source>
        <translation>（すべて）</translation>
    </message>
    <message>
        <location line="-249"/>
        <source>Show all</source>
        <translation>すべて表示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No scan results yet</source>
        <translation>スキャン結果はまだありません</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Images</source>
        <translation>画像数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Precision</source>
        <translation>適合率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>fraction of pixels changed</source>
        <translation>変更した画素の割合</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>class probability</source>
        <translation>クラス確率</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Scan…</source>
        <translation>スキャン…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open results…</source>
        <translation>結果を開く…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export table…</source>
        <translation>表を書き出す…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export matrix…</source>
        <translation>行列を書き出す…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cancel scan</source>
        <translation>スキャンをキャンセル</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>True</source>
        <translation>正解</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Predicted</source>
        <translation>予測</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Reading {name}…</source>
        <translation>{name} を読み込み中…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reading {name}: {percent} %</source>
        <translation>{name} を読み込み中：{percent} %</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>{count} images: accuracy {accuracy:.1f} % ({wrong} of {judged} misclassified)</source>
        <translation>{count} 枚：正解率 {accuracy:.1f} %（{judged} 枚中 {wrong} 枚を誤分類）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{count} images, none with a known true class</source>
        <translation>{count} 枚（正解クラスが分かる画像なし）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>, {count} failed to load</source>
        <translation>、読み込み失敗 {count} 枚</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Open scan results</source>
        <translation>スキャン結果を開く</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Scan results (*.csv *.parquet)</source>
        <translation>スキャン結果 (*.csv *.parquet)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Export table</source>
        <translation>表を書き出す</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export confusion matrix</source>
        <translation>混同行列を書き出す</translation>
    </message>
</context>
<context>
    <name>WhatIfPanel</name>
    <message>
        <location filename="../../app/whatif.py" line="+73"/>
        <source>Zero the feature vectors of this share of the map&apos;s cells with the largest positive contributions</source>
        <translation>正の寄与が大きいマップのセルから、この割合の特徴ベクトルをゼロにします</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Invalidate top</source>
        <translation>上位を無効化</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Select an image in the table, then invalidate its top regions.</source>
        <translation>表で画像を選んでから、上位の領域を無効化してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Invalidate painted</source>
        <translation>塗った領域を無効化</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Zero the regions painted on the picture</source>
        <translation>画像上で塗った領域をゼロにします</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rank</source>
        <translation>順位</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Before</source>
        <translation>無効化前</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+1"/>
        <source>Score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>After</source>
        <translation>無効化後</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>positive contributions</source>
        <translation>（正の寄与の大きい順）</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>{target} at {layer}, {cells} of {total} cells zeroed: score {before:.2f} → {after:.2f}, rank {rank_before} → {rank_after}</source>
        <translation>{target}（{layer}）：{total} セル中 {cells} セルをゼロにしました。スコア {before:.2f} → {after:.2f}、順位 {rank_before} → {rank_after}</translation>
    </message>
</context>
<context>
    <name>_Backend</name>
    <message>
        <location filename="../../app/signal_workspace.py" line="-804"/>
        <source>{model}: this model reads photos; open it in the Model panel instead</source>
        <translation>{model}：このモデルは写真用です。［モデル］パネルで開いてください</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>{file}: a multi-channel image; the model reads signals</source>
        <translation>{file}：マルチチャンネル画像ですが、このモデルは信号用です</translation>
    </message>
</context>
<context>
    <name>_PathEdit</name>
    <message>
        <location filename="../../app/model_panel.py" line="-142"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a file</source>
        <translation>ファイルを選択</translation>
    </message>
</context>
</TS>
