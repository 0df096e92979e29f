<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
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
</TS>
