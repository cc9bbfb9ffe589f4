using OnnxVideo.Media;
using OnnxVideo.Onnx;
using static OnnxVideo.Models.Zoo.TransformerOps;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// <c>video_vit</c>: a VideoMAE-style video transformer. Input <c>video</c> is NTCHW <c>[N, T, 3, S, S]</c> (as
/// VideoMAE's <c>pixel_values</c>). Tubelet patches come from a Conv3d with kernel = stride = (tubelet, patch, patch),
/// the fixed sinusoid position table is added, then pre-norm blocks of multi-head self-attention (q and v biases, no
/// k bias) and an exact-erf GELU MLP, mean pooling + <c>fc_norm</c> or [CLS] pooling + <c>videomae.layernorm</c>, and
/// a linear classifier. Parameter names are Hugging Face <c>VideoMAEForVideoClassification</c> state-dict keys, so
/// its checkpoints saved as safetensors load unchanged. Random initialisation as VideoMAE's <c>_init_weights</c>:
/// Linear/Conv3d weights (and the [CLS] token) Normal(0, 0.02), biases 0, LayerNorm weight 1 / bias 0.
/// </summary>
internal sealed class VideoVit : ZooArchitecture
{
    public VideoVit(VideoVitConfig config, string name = "video_vit")
    {
        config.Validate();
        Config = config;
        Name = name;
    }

    /// <summary>VideoMAE-Small with mean pooling, 16 × 224² clips.</summary>
    public static VideoVit Default { get; } = new(new VideoVitConfig());

    /// <summary>
    /// A small ViT for quick training and the project's own pretrained checkpoint (<c>models/</c>): 4 blocks of width
    /// 96 with 3 heads, MLP 384, tubelets 4×4², 8 frames of 32² by default (~0.46 M parameters). Patches of 4 pixels
    /// over 4 frames let the embedding see small objects move (as a 3-D convolution does); with tubelets 2×8² it did not learn the
    /// pretext task at all.
    /// </summary>
    public static VideoVit Tiny { get; } = new(new VideoVitConfig
    {
        Depth = 4, Width = 96, Heads = 3, MlpWidth = 384, Patch = 4, Tubelet = 4, DefaultFrames = 8, DefaultSize = 32,
    }, "video_vit_tiny");
    /// <summary>This architecture with stochastic depth at <paramref name="rate"/> (see <see cref="VideoVitConfig.DropPathRate"/>).</summary>
    public VideoVit WithDropPath(float rate) => new(Config with { DropPathRate = rate }, Name);

    public VideoVitConfig Config { get; }
    public override string Name { get; }
    public override string Description =>
        $"VideoMAE-style transformer (depth {Config.Depth}, width {Config.Width}, {Config.Heads} heads, tubelet {Config.Tubelet}×{Config.Patch}², {Config.Pooling.ToString().ToLowerInvariant()} pooling), NTCHW input, Hugging Face VideoMAE names";
    public override int DefaultFrames => Config.DefaultFrames;
    public override int DefaultSize => Config.DefaultSize;
    public override TensorLayout InputLayout => TensorLayout.NTCHW;
    public override IReadOnlyList<string> HeadParameters { get; } = [VideoVitNames.Classifier + ".weight", VideoVitNames.Classifier + ".bias"];

    /// <summary>VideoMAE's preprocessing: ImageNet mean and std, shortest side resized to the crop size.</summary>
    public override PreprocessingContract DefaultContract(int frames, int size) => new()
    {
        Frames = frames,
        CropSize = size,
        ResizeShortSide = size,
        Mean = [0.485f, 0.456f, 0.406f],
        Std = [0.229f, 0.224f, 0.225f],
        Layout = TensorLayout.NTCHW,
    };

    public override ZooNetworkOutputs Define(ZooGraph g, ZooValue video, int classes)
    {
        var x = EncodeTokens(g, video).Name;
        var features = new ZooValue(Pool(g, x), [Config.Width]);
        var logits = g.Linear(features, VideoVitNames.Classifier, classes, WeightInit, ModelZoo.LogitsName);
        return new ZooNetworkOutputs(features, logits);
    }

    /// <summary>The encoder alone: patch embedding, positions and every block, giving the tokens [L, width] before pooling.</summary>
    public ZooValue EncodeTokens(ZooGraph g, ZooValue video)
    {
        var (frames, channels, size) = (video.Shape[0], video.Shape[1], video.Shape[2]);
        Config.CheckInput(frames, size);
        var tokens = Embed(g, video.Name, frames, channels, size);
        var x = tokens.Name;
        for (var i = 0; i < Config.Depth; i++)
        {
            x = Block(g, x, tokens.Shape[0], i);
        }
        return tokens with { Name = x };
    }

    private ZooValue Embed(ZooGraph g, string video, long frames, long channels, long size)
    {
        var b = g.Builder;
        long d = Config.Width;
        var ncthw = b.Node("Transpose", [video], Perm(0, 2, 1, 3, 4), "embed.to_ncthw");
        var kernel = (Config.Tubelet, Config.Patch, Config.Patch);
        var patches = g.Conv3d(new ZooValue(ncthw, [channels, frames, size, size]), VideoVitNames.PatchProjection, d, kernel, kernel, (0, 0, 0), bias: true);
        var patchCount = patches.Shape[1] * patches.Shape[2] * patches.Shape[3];
        var flat = b.Node("Reshape", [patches.Name, b.Constant([0, d, -1])], name: "embed.flatten");
        var tokens = b.Node("Transpose", [flat], Perm(0, 2, 1), "embed.tokens");
        var count = patchCount;
        if (Config.Pooling == VideoVitPooling.Cls)
        {
            var cls = g.Parameter(VideoVitNames.ClsToken, [1, 1, d], WeightInit);
            var batch = b.Node("Shape", [tokens], new Dictionary<string, object> { ["start"] = 0L, ["end"] = 1L }, "embed.batch");
            var shape = b.Node("Concat", [batch, b.Constant([1, d])], Axis(0), "embed.cls_shape");
            var expanded = b.Node("Expand", [cls, shape], name: "embed.cls");
            tokens = b.Node("Concat", [expanded, tokens], Axis(1), "embed.with_cls");
            count++;
        }
        var table = b.Initializer(VideoVitNames.PositionEmbeddings, SinusoidTable((int)count, (int)d), 1, count, d);
        return new ZooValue(b.Node("Add", [tokens, table], name: "embed.positions"), [count, d]);
    }

    private string Block(ZooGraph g, string x, long tokens, int index)
    {
        var b = g.Builder;
        var p = VideoVitNames.Layer(index);
        var n = $"layer{index}.";
        long d = Config.Width, m = Config.EffectiveMlpWidth;
        var a = p + "attention.attention.";

        var h = LayerNorm(g, x, p + "layernorm_before", Config.LayerNormEpsilon, n + "norm1");
        var q = SplitHeads(g, Project(g, h, a + "query.weight", g.Parameter(a + "q_bias", [d], ParameterInit.Zeros), d, d, tokens, n + "q"), Perm(0, 2, 1, 3), n + "q_heads");
        var kT = SplitHeads(g, Project(g, h, a + "key.weight", null, d, d, tokens, n + "k"), Perm(0, 2, 3, 1), n + "k_heads");
        var v = SplitHeads(g, Project(g, h, a + "value.weight", g.Parameter(a + "v_bias", [d], ParameterInit.Zeros), d, d, tokens, n + "v"), Perm(0, 2, 1, 3), n + "v_heads");
        var scale = b.Constant((float)(1 / Math.Sqrt(Config.HeadWidth)));
        var scores = b.Node("Mul", [b.Node("MatMul", [q, kT], name: n + "qk"), scale], name: n + "scores");
        var probs = b.Node("Softmax", [scores], new Dictionary<string, object> { ["axis"] = -1L }, n + "probs");
        var context = b.Node("MatMul", [probs, v], name: n + "context");
        g.AddMultiplyAccumulates(2 * tokens * tokens * d);
        var merged = b.Node("Reshape", [b.Node("Transpose", [context], Perm(0, 2, 1, 3), n + "context_tokens"), b.Constant([0, 0, d])], name: n + "context_merged");
        var o = p + "attention.output.dense.";
        var attention = Project(g, merged, o + "weight", g.Parameter(o + "bias", [d], ParameterInit.Zeros), d, d, tokens, n + "attn_out");
        x = b.Node("Add", [x, DropPath(b, attention, Config.DropPathOf(index), n + "drop_path1")], name: n + "residual1");

        var h2 = LayerNorm(g, x, p + "layernorm_after", Config.LayerNormEpsilon, n + "norm2");
        var i = p + "intermediate.dense.";
        var hidden = Gelu(b, Project(g, h2, i + "weight", g.Parameter(i + "bias", [m], ParameterInit.Zeros), d, m, tokens, n + "mlp_in"), n + "gelu");
        var f = p + "output.dense.";
        var mlp = Project(g, hidden, f + "weight", g.Parameter(f + "bias", [d], ParameterInit.Zeros), m, d, tokens, n + "mlp_out");
        return b.Node("Add", [x, DropPath(b, mlp, Config.DropPathOf(index), n + "drop_path2")], name: n + "residual2");
    }

    /// <summary>
    /// Stochastic depth on a residual branch [N, L, d]: the branch times Dropout(ones [N, 1, 1]), in inference form
    /// here (the identity, so eval and export are exact); training packages run that Dropout in training form.
    /// </summary>
    private static string DropPath(GraphBuilder b, string branch, float rate, string name)
    {
        if (rate <= 0)
        {
            return branch;
        }
        var batch = b.Node("Shape", [branch], new Dictionary<string, object> { ["start"] = 0L, ["end"] = 1L }, name + ".batch");
        var shape = b.Node("Concat", [batch, b.Constant([1, 1])], Axis(0), name + ".shape");
        var ones = b.Node("ConstantOfShape", [shape], new Dictionary<string, object> { ["value"] = TensorProtos.FromFloats("value", [1f], 1) }, name + ".ones");
        var keep = b.Node("Dropout", [ones, b.Constant(rate)], name: name);
        return b.Node("Mul", [branch, keep], name: name + ".apply");
    }

    private string Pool(ZooGraph g, string x)
    {
        var b = g.Builder;
        if (Config.Pooling == VideoVitPooling.Mean)
        {
            var mean = b.Node("ReduceMean", [x], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L }, "pool.mean");
            return LayerNorm(g, mean, VideoVitNames.FcNorm, Config.FcNormEpsilon, ModelZoo.FeaturesName);
        }
        // LayerNorm works per token, so normalising only the [CLS] token equals VideoMAE's norm-then-select.
        var first = b.Initializer("pool.cls_index", new long[] { 0 });
        var cls = b.Node("Gather", [x, first], Axis(1), "pool.cls");
        return LayerNorm(g, cls, VideoVitNames.FinalNorm, Config.LayerNormEpsilon, ModelZoo.FeaturesName);
    }

    private string LayerNorm(ZooGraph g, string x, string prefix, float epsilon, string name) =>
        TransformerOps.LayerNorm(g, x, prefix, Config.Width, epsilon, name);

    private string SplitHeads(ZooGraph g, string x, IReadOnlyDictionary<string, object> perm, string name) =>
        TransformerOps.SplitHeads(g.Builder, x, Config.Heads, Config.HeadWidth, perm, name);

    /// <summary>VideoMAE's fixed table: position / 10000^(2⌊j/2⌋/width), sine at even j, cosine at odd j.</summary>
    public static float[] SinusoidTable(int positions, int width)
    {
        var table = new float[positions * width];
        for (var pos = 0; pos < positions; pos++)
        {
            for (var j = 0; j < width; j++)
            {
                var angle = pos / Math.Pow(10000, 2.0 * (j / 2) / width);
                table[pos * width + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        }
        return table;
    }
}
