using OnnxVideo.Autodiff;
using OnnxVideo.Autodiff.Fused;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using static OnnxVideo.Export.Tests.Autodiff.CaseGraph;

namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>The gradient-check table: at least one row per registry entry (op + attributes + shapes).</summary>
internal static class GradientCheckTable
{
    private static Dictionary<string, object> A(params (string Key, object Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private static GradientCheckCase Unary(string op, Func<Random, int, double>? init = null, bool float64 = true, Dictionary<string, object>? attributes = null, int opset = 17, string? description = null) =>
        new(op, description ?? "x [2,3]", c => [c.Node(op, [c.Param("x", [2, 3], init)], attributes ?? [])]) { Float64 = float64, Opset = opset };

    public static IEnumerable<GradientCheckCase> Rows => Elementwise.Concat(Matrix).Concat(Convolution).Concat(Pooling)
        .Concat(Normalisation).Concat(Reductions).Concat(DataMovement).Concat(Indexing).Concat(Einsums).Concat(NotDifferentiable);

    /// <summary>Row names as theory data (strings, so every row is its own discovered test case).</summary>
    public static IEnumerable<object[]> Cases => Rows.Select(r => new object[] { r.ToString() });

    public static GradientCheckCase Find(string name) => Rows.Single(r => r.ToString() == name);

    private static IEnumerable<GradientCheckCase> Elementwise =>
    [
        new("Add", "same shapes [2,3]", c => [c.Node("Add", c.Param("a", [2, 3]), c.Param("b", [2, 3]))]),
        new("Add", "broadcast [2,3,4] + [3,1]", c => [c.Node("Add", c.Param("a", [2, 3, 4]), c.Param("b", [3, 1]))]),
        new("Add", "symbolic batch [N,3] + [3]", c => [c.Node("Add", c.Param("a", [2, 3], declared: ["N", 3]), c.Param("b", [3]))]),
        new("Add", "broadcast with shapes unknown at build time (run-time reduction axes)", c =>
            [c.Node("Reshape", c.Node("Add", c.Param("a", [2, 1, 4], declareShape: false), c.Param("b", [3, 1], declareShape: false)), c.Ints(2, 3, 4))]),
        new("Sub", "broadcast [2,3] − [3]", c => [c.Node("Sub", c.Param("a", [2, 3]), c.Param("b", [3]))]),
        new("Mul", "broadcast [2,1,3] · [4,1]", c => [c.Node("Mul", c.Param("a", [2, 1, 3]), c.Param("b", [4, 1]))]),
        new("Mul", "fan-out x·x + x (gradients summed)", c =>
        {
            var x = c.Param("x", [2, 3]);
            return [c.Node("Add", c.Node("Mul", x, x), x)];
        }),
        new("Div", "broadcast [2,3] / [2,1]", c => [c.Node("Div", c.Param("a", [2, 3]), c.Param("b", [2, 1], Positive))]),
        new("Pow", "constant exponent 3", c => [c.Node("Pow", c.Param("x", [2, 3], Positive), c.Scalar(3))]),
        new("Pow", "constant exponent 2", c => [c.Node("Pow", c.Param("x", [2, 3]), c.Scalar(2))]),
        new("Pow", "trainable base and broadcast exponent [2,3]^[3]", c => [c.Node("Pow", c.Param("x", [2, 3], Positive), c.Param("e", [3]))]),
        Unary("Neg"),
        Unary("Sqrt", Positive),
        Unary("Exp"),
        Unary("Log", Positive),
        Unary("Relu", AwayFromZero),
        Unary("Sigmoid"),
        Unary("Tanh"),
        Unary("Erf", float64: false),
        Unary("Gelu", float64: false, opset: 20, description: "exact (opset 20)"),
        Unary("Gelu", float64: false, attributes: A(("approximate", "tanh")), opset: 20, description: "tanh approximation (opset 20)"),
        Unary("Softmax", description: "axis -1 on [2,3]"),
        new("Softmax", "axis 1 on [2,3,4]", c => [c.Node("Softmax", [c.Param("x", [2, 3, 4])], A(("axis", 1L)))]),
        Unary("LogSoftmax", description: "axis -1 on [2,3]"),
        new("LogSoftmax", "axis 0 on [3,2]", c => [c.Node("LogSoftmax", [c.Param("x", [3, 2])], A(("axis", 0L)))]),
        new("Where", "broadcast branches [2,3] and [3]", c =>
        {
            var condition = c.Node("Greater", c.Const([2, 3]), c.Scalar(0));
            return [c.Node("Where", condition, c.Param("a", [2, 3]), c.Param("b", [3]))];
        }),
        new("Clip", "constant bounds", c => [c.Node("Clip", c.Param("x", [3, 4], AwayFromZero), c.Scalar(-0.5), c.Scalar(0.5))]),
        new("Clip", "trainable scalar bounds", c => [c.Node("Clip", c.Param("x", [3, 4]), c.Param("min", [], (_, _) => -0.3), c.Param("max", [], (_, _) => 0.4))]),
        new("Clip", "min only", c => [c.Node("Clip", c.Param("x", [2, 3]), c.Scalar(-0.2))]),
        new("Dropout", "inference (no training_mode input): identity", c => [c.Node("Dropout", c.Param("x", [2, 3]))]),
        new("Dropout", "training mode, ratio 0.5: g · mask / 0.5 with ORT's mask", c =>
        {
            var training = Initializers.Add(c.Graph, new TensorProto { DataType = (int)TensorProto.Types.DataType.Bool, Int32Data = { 1 } }, "training");
            var outputs = c.Nodes("Dropout", [c.Param("x", [4, 8]), c.Scalar(0.5), training], 2);
            c.Exposed["mask"] = outputs[1];
            return [outputs[0]];
        }) { Mode = GradientCheckMode.DropoutMask },
        // Training packages replace Dropout by x · mask(seed); with the seed fixed the mask is fixed, so finite
        // differences apply and check that the backward reuses the forward's mask and scale.
        new("Dropout", "seeded training form, ratio 0.4, fixed seed: g · mask / 0.6", c =>
        {
            var x = c.Param("x", [4, 8]);
            return [c.Node("Mul", x, SeededDropout.Mask(c.Graph, x, c.Type, 0.4, c.IntScalar(987654321), SeededDropout.SaltOf(2)))];
        }),
        new("Dropout", "seeded training form, ratio 0: the rewrite leaves the identity", c =>
        {
            var training = Initializers.Add(c.Graph, new TensorProto { DataType = (int)TensorProto.Types.DataType.Bool, Int32Data = { 1 } }, "training");
            var y = c.Node("Dropout", c.Param("x", [2, 3]), c.Scalar(0), training);
            Assert.Empty(SeededDropout.Rewrite(c.Graph.Graph, modelDropout: true, "case"));
            Assert.DoesNotContain(c.Graph.Graph.Node, n => n.OpType == "Dropout");
            return [y];
        }),
        Unary("Identity"),
        Unary("Abs", AwayFromZero),
        Unary("Reciprocal", Positive),
        Unary("LeakyRelu", AwayFromZero, attributes: A(("alpha", 0.1f))),
        Unary("HardSigmoid", (r, i) => 4 * Uniform(r, i), float64: false, description: "x in [-4,4]: saturated and linear parts"),
        Unary("HardSwish", (r, i) => 4 * Uniform(r, i), float64: false, description: "x in [-4,4]"),
        new("Sum", "three inputs, broadcast", c => [c.Node("Sum", c.Param("a", [2, 3]), c.Param("b", [3]), c.Param("c", [2, 1]))]),
        new("Mean", "two inputs, broadcast", c => [c.Node("Mean", c.Param("a", [2, 3]), c.Param("b", [1, 3]))]) { Float64 = false },
        new("Max", "broadcast [2,3] and [3]", c => [c.Node("Max", c.Param("a", [2, 3]), c.Param("b", [3]))]),
        new("Min", "broadcast [2,3] and [2,1]", c => [c.Node("Min", c.Param("a", [2, 3]), c.Param("b", [2, 1]))]),
        new("Cast", "float → double → float", c =>
            [c.Node("Cast", [c.Node("Cast", [c.Param("x", [2, 3])], A(("to", (long)TensorProto.Types.DataType.Double)))], A(("to", (long)TensorProto.Types.DataType.Float)))]) { Float64 = false },
    ];

    private static IEnumerable<GradientCheckCase> Matrix =>
    [
        new("Gemm", "[2,3]·[3,4] + C[4]", c => [c.Node("Gemm", c.Param("a", [2, 3]), c.Param("b", [3, 4]), c.Param("c", [4]))]),
        new("Gemm", "transA, transB, α=0.7, β=1.3, C[2,1]", c =>
            [c.Node("Gemm", [c.Param("a", [3, 2]), c.Param("b", [4, 3]), c.Param("c", [2, 1])], A(("transA", 1L), ("transB", 1L), ("alpha", 0.7f), ("beta", 1.3f)))]),
        new("Gemm", "no C, transB", c => [c.Node("Gemm", [c.Param("a", [2, 3]), c.Param("b", [4, 3])], A(("transB", 1L)))]),
        new("MatMul", "[2,3]·[3,4]", c => [c.Node("MatMul", c.Param("a", [2, 3]), c.Param("b", [3, 4]))]),
        new("MatMul", "batched broadcast [2,1,2,3]·[3,3,2]", c => [c.Node("MatMul", c.Param("a", [2, 1, 2, 3]), c.Param("b", [3, 3, 2]))]),
        new("MatMul", "activations [2,3,4]·weights [4,5], symbolic batch (one Gemm for the weight gradient)", c =>
            [c.Node("MatMul", c.Param("a", [2, 3, 4], declared: ["N", 3, 4]), c.Param("b", [4, 5]))]),
        new("MatMul", "1-D left [3]·[2,3,4]", c => [c.Node("MatMul", c.Param("a", [3]), c.Param("b", [2, 3, 4]))]),
        new("MatMul", "1-D right [2,2,3]·[3]", c => [c.Node("MatMul", c.Param("a", [2, 2, 3]), c.Param("b", [3]))]),
        new("MatMul", "both 1-D [3]·[3]", c => [c.Node("MatMul", c.Param("a", [3]), c.Param("b", [3]))]),
    ];

    private static GradientCheckCase Conv(string description, long[] x, long[] w, Dictionary<string, object> attributes, bool bias = false, Dim[]? declaredX = null) =>
        new("Conv", description, c =>
        {
            var inputs = new List<string> { c.Param("x", x, declared: declaredX), c.Param("w", w) };
            if (bias) inputs.Add(c.Param("b", [w[0]]));
            return [c.Node("Conv", inputs.ToArray(), attributes)];
        }) { Float64 = false };

    private static IEnumerable<GradientCheckCase> Convolution =>
    [
        Conv("1-D stride 2 pad 1 with bias", [2, 3, 7], [4, 3, 3], A(("strides", new long[] { 2 }), ("pads", new long[] { 1, 1 })), bias: true),
        Conv("2-D asymmetric pads, dilation 2", [1, 2, 6, 5], [3, 2, 2, 3], A(("pads", new long[] { 1, 0, 0, 1 }), ("dilations", new long[] { 2, 2 }))),
        Conv("2-D stride 2, groups 2", [2, 4, 5, 5], [6, 2, 3, 3], A(("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }), ("group", 2L))),
        Conv("2-D depthwise, multiplier 2, stride 2", [1, 3, 5, 5], [6, 1, 3, 3], A(("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }), ("group", 3L))),
        Conv("3-D stride (1,2,2) pad 1 with bias", [1, 2, 3, 5, 5], [3, 2, 3, 3, 3], A(("strides", new long[] { 1, 2, 2 }), ("pads", new long[] { 1, 1, 1, 1, 1, 1 })), bias: true),
        Conv("2-D auto_pad SAME_UPPER stride 2", [1, 2, 5, 6], [2, 2, 3, 3], A(("auto_pad", "SAME_UPPER"), ("strides", new long[] { 2, 2 }))),
        Conv("2-D stride 3 leaving input rows unused", [1, 1, 8, 8], [2, 1, 2, 2], A(("strides", new long[] { 3, 3 }))),
        Conv("2-D stride 2 and dilation 2 (zero-interleaved dy)", [1, 2, 7, 7], [2, 2, 2, 2], A(("strides", new long[] { 2, 2 }), ("dilations", new long[] { 2, 2 }), ("pads", new long[] { 1, 0, 0, 1 }))),
        Conv("2-D 1×1 stride 2 (phases without taps)", [2, 3, 5, 4], [4, 3, 1, 1], A(("strides", new long[] { 2, 2 }))),
        Conv("3-D kernel (3,1,1) stride (2,1,1), temporal part of (2+1)D", [1, 2, 5, 3, 3], [2, 2, 3, 1, 1], A(("strides", new long[] { 2, 1, 1 }), ("pads", new long[] { 1, 0, 0, 1, 0, 0 }))),
        Conv("3-D depthwise kernel (3,1,1) pad 1 over time, ST-Adapter's temporal conv", [2, 3, 4, 2, 2], [3, 1, 3, 1, 1],
            A(("group", 3L), ("pads", new long[] { 1, 0, 0, 1, 0, 0 })), bias: true),
        Conv("2-D depthwise kernel (3,1) pad 1 over time on [N, C, T, H·W] tokens", [2, 4, 3, 5], [4, 1, 3, 1],
            A(("group", 4L), ("pads", new long[] { 1, 0, 1, 0 })), bias: true),
        Conv("2-D symbolic batch [N,2,4,4]", [2, 2, 4, 4], [3, 2, 3, 3], A(("pads", new long[] { 1, 1, 1, 1 })), declaredX: ["N", 2, 4, 4]),
        .. PerTapConvolution,
        PaddingOnlyTapsConvolution,
        OneTapConvolution,
        .. ShiftedDyConvolution,
        .. FramesAsChannelsConvolution,
    ];

    /// <summary>
    /// Strided 3-D Conv rows whose weight gradient is one 2-D Conv over frames, the samples side by side along the
    /// width (16 output channels): a symbolic batch, pads on every axis; a (2,3,1) kernel whose width is less than its
    /// stride (the stacked width cut), no temporal pad, a temporal end the taps do not reach.
    /// </summary>
    public static IEnumerable<GradientCheckCase> FramesAsChannelsConvolution =>
    [
        Conv("3-D stride 2 pad 1, batch N = 2, Cin 1 → Cout 16 (frames-as-channels weight gradient)", [2, 1, 4, 5, 5], [16, 1, 3, 3, 3],
            A(("strides", new long[] { 2, 2, 2 }), ("pads", new long[] { 1, 1, 1, 1, 1, 1 })), declaredX: ["N", 1, 4, 5, 5]),
        Conv("3-D kernel (2,3,1) stride (1,2,2) pads (0,1,0)/(0,0,1), Cin 2 → Cout 16 (frames-as-channels weight gradient)", [1, 2, 3, 5, 4], [16, 2, 2, 3, 1],
            A(("strides", new long[] { 1, 2, 2 }), ("pads", new long[] { 0, 1, 0, 0, 0, 1 }))),
    ];

    /// <summary>
    /// Conv rows whose weight gradient shifts dy per tap into one MatMul (stride 1, one group, several taps and at
    /// most half as many output as input channels, as LoRA's A): pads, asymmetric pads with dilation, taps that read only padding.
    /// </summary>
    public static IEnumerable<GradientCheckCase> ShiftedDyConvolution =>
    [
        Conv("3-D stride 1 pad 1, batch 2, Cin 6 → Cout 2 (shifted-dy weight gradient)", [2, 6, 3, 4, 4], [2, 6, 3, 3, 3], A(("pads", new long[] { 1, 1, 1, 1, 1, 1 }))),
        Conv("2-D asymmetric pads (1,0)/(0,2), dilation 2, Cin 4 → Cout 1 (shifted-dy weight gradient)", [1, 4, 6, 7], [1, 4, 2, 3],
            A(("pads", new long[] { 1, 0, 0, 2 }), ("dilations", new long[] { 2, 2 }))),
        Conv("3-D one frame, pad 1, Cin 4 → Cout 2 (shifted-dy weight gradient, 18 taps only padding)", [2, 4, 1, 3, 3], [2, 4, 3, 3, 3],
            A(("pads", new long[] { 1, 1, 1, 1, 1, 1 }))),
    ];

    /// <summary>Conv rows whose weight gradient takes the per-tap Gemm form (one group; stride 1 and dilation 1, one tap, or a strided 3×3 over 64 channels).</summary>
    public static IEnumerable<GradientCheckCase> PerTapConvolution =>
    [
        Conv("3-D stride 1 pad 1 (per-tap weight gradient)", [1, 2, 3, 4, 4], [3, 2, 3, 3, 3], A(("pads", new long[] { 1, 1, 1, 1, 1, 1 }))),
        Conv("2-D asymmetric pads (1,0)/(0,2) (per-tap weight gradient)", [1, 2, 5, 4], [3, 2, 2, 3], A(("pads", new long[] { 1, 0, 0, 2 }))),
        Conv("2-D batch 3, Cin 2 → Cout 5, pad 1, with bias (per-tap weight gradient)", [3, 2, 4, 5], [5, 2, 3, 3], A(("pads", new long[] { 1, 1, 1, 1 })), bias: true),
        Conv("3-D kernel (3,1,1) pad 1 over time, batch 2, Cin 3 → Cout 2 (per-tap weight gradient)", [2, 3, 4, 2, 2], [2, 3, 3, 1, 1],
            A(("pads", new long[] { 1, 0, 0, 1, 0, 0 }))),
        Conv("1-D no pads, batch 2 (per-tap weight gradient)", [2, 3, 6], [2, 3, 3], []),
        Conv("3-D 1×1×1 stride 2, a ResNet shortcut, batch 2 (per-tap weight gradient, one strided tap)", [2, 3, 5, 4, 4], [4, 3, 1, 1, 1],
            A(("strides", new long[] { 2, 2, 2 }))),
        Conv("2-D 3×3 stride 2 pad 1 over 64 input channels, as mc3_18's lowered layer2.0.conv1 (per-tap weight gradient, strided taps)",
            [1, 64, 4, 4], [2, 64, 3, 3], A(("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))),
    ];

    /// <summary>One frame, temporal pad 1 (r3d_18's layer4): 18 of the 27 taps read only padding, only 9 take a Gemm.</summary>
    public static GradientCheckCase PaddingOnlyTapsConvolution { get; } =
        Conv("3-D one frame, pad 1, batch 2 (per-tap weight gradient, 18 taps only padding)", [2, 2, 1, 3, 3], [3, 2, 3, 3, 3], A(("pads", new long[] { 1, 1, 1, 1, 1, 1 })));

    /// <summary>A stride-1 Conv with one tap (LoRA's B): the weight gradient is one MatMul (the shifted-dy form without shifts).</summary>
    public static GradientCheckCase OneTapConvolution { get; } =
        Conv("3-D 1×1×1 kernel stride 1, batch 2, Cin 3 → Cout 4 (one tap: one MatMul weight gradient)", [2, 3, 2, 3, 3], [4, 3, 1, 1, 1], []);

    private static GradientCheckCase Pool(string op, string description, long[] x, Dictionary<string, object> attributes, bool distinct = false) =>
        new(op, description, c => [c.Node(op, [c.Param("x", x, distinct ? Distinct((int)x.Aggregate(1L, (p, d) => p * d)) : null)], attributes)]) { Float64 = false };

    private static IEnumerable<GradientCheckCase> Pooling =>
    [
        Pool("MaxPool", "2-D kernel 2 stride 2", [1, 2, 4, 4], A(("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 })), distinct: true),
        Pool("MaxPool", "2-D overlapping kernel 3 stride 2 pad 1", [2, 1, 5, 5], A(("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 })), distinct: true),
        Pool("MaxPool", "3-D kernel (1,2,2)", [1, 1, 2, 4, 4], A(("kernel_shape", new long[] { 1, 2, 2 }), ("strides", new long[] { 1, 2, 2 })), distinct: true),
        new("MaxPool", "with its own Indices output", c =>
            [c.Nodes("MaxPool", [c.Param("x", [1, 1, 4, 4], Distinct(16))], 2, A(("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 1, 1 })))[0]]) { Float64 = false },
        Pool("AveragePool", "2-D kernel 2 stride 2", [1, 2, 4, 4], A(("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))),
        Pool("AveragePool", "kernel 3 stride 2 pad 1, count_include_pad 0", [1, 1, 5, 5], A(("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))),
        Pool("AveragePool", "kernel 3 stride 2 pad 1, count_include_pad 1", [1, 1, 5, 6], A(("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }), ("count_include_pad", 1L))),
        Pool("AveragePool", "3-D kernel (2,2,2)", [1, 2, 2, 4, 4], A(("kernel_shape", new long[] { 2, 2, 2 }), ("strides", new long[] { 2, 2, 2 }))),
        Pool("GlobalAveragePool", "2-D [2,3,2,3]", [2, 3, 2, 3], []),
        Pool("GlobalAveragePool", "3-D [1,2,2,2,3]", [1, 2, 2, 2, 3], []),
        new("GlobalAveragePool", "input shape unknown at build time (run-time divisor)", c =>
            [c.Node("Reshape", c.Node("GlobalAveragePool", c.Param("x", [2, 3, 2, 2], declareShape: false)), c.Ints(2, 3))]) { Float64 = false },
    ];

    private static IEnumerable<GradientCheckCase> Normalisation =>
    [
        new("BatchNormalization", "4-D [2,3,2,2], scale/bias trainable, statistics frozen", c =>
            [c.Node("BatchNormalization", [c.Param("x", [2, 3, 2, 2]), c.Param("scale", [3]), c.Param("bias", [3]), c.Const([3]), c.Const([3], Positive)], A(("epsilon", 1e-3f)))]),
        new("BatchNormalization", "2-D [4,3]", c =>
            [c.Node("BatchNormalization", c.Param("x", [4, 3]), c.Param("scale", [3]), c.Param("bias", [3]), c.Const([3]), c.Const([3], Positive))]),
        new(FusedOps.Domain + ":" + FusedBatchNormTraining.OpType, "5-D [2,3,2,2,2], batch statistics, closed-form backward", c =>
            [FusedBatchNormTraining.Add(c.Graph, c.Param("x", [2, 3, 2, 2, 2]), c.Param("scale", [3]), c.Param("bias", [3]), 1e-3f,
                new TensorShape(2, 3, 2, 2, 2), c.Type, "bn").Y]),
        new(FusedOps.Domain + ":" + FusedBatchNormTraining.OpType, "2-D [4,3]", c =>
            [FusedBatchNormTraining.Add(c.Graph, c.Param("x", [4, 3]), c.Param("scale", [3]), c.Param("bias", [3]), 1e-5f,
                new TensorShape(4, 3), c.Type, "bn").Y]),
        new("LayerNormalization", "axis -1 on [2,3,4]", c =>
            [c.Node("LayerNormalization", c.Param("x", [2, 3, 4]), c.Param("scale", [4]), c.Param("bias", [4]))]),
        new("LayerNormalization", "axis 1 on [2,3,4], no bias", c =>
            [c.Node("LayerNormalization", [c.Param("x", [2, 3, 4]), c.Param("scale", [3, 4])], A(("axis", 1L), ("epsilon", 1e-3f)))]),
    ];

    private static IEnumerable<GradientCheckCase> Reductions =>
    [
        new("ReduceSum", "axes input [1], keepdims 0", c => [c.Node("ReduceSum", [c.Param("x", [2, 3, 4]), c.Ints(1)], A(("keepdims", 0L)))]),
        new("ReduceSum", "all axes, keepdims 1", c => [c.Node("ReduceSum", c.Param("x", [2, 3]))]),
        new("ReduceSum", "negative axes [-1, 0], keepdims 1", c => [c.Node("ReduceSum", c.Param("x", [2, 3, 2]), c.Ints(-1, 0))]),
        new("ReduceMean", "axes attribute [-1] (opset 17)", c => [c.Node("ReduceMean", [c.Param("x", [2, 3, 4])], A(("axes", new long[] { -1 })))]),
        new("ReduceMean", "axes attribute [0, 2], keepdims 0", c => [c.Node("ReduceMean", [c.Param("x", [2, 3, 4])], A(("axes", new long[] { 0, 2 }), ("keepdims", 0L)))]),
        new("ReduceMean", "axes input [1] (opset 18)", c => [c.Node("ReduceMean", [c.Param("x", [2, 3, 4]), c.Ints(1)], A(("keepdims", 0L)))]) { Opset = 18 },
    ];

    private static IEnumerable<GradientCheckCase> DataMovement =>
    [
        new("Flatten", "axis 2 on [2,3,2,2]", c => [c.Node("Flatten", [c.Param("x", [2, 3, 2, 2])], A(("axis", 2L)))]),
        new("Reshape", "[2,3,4] → [4,-1,2]", c => [c.Node("Reshape", c.Param("x", [2, 3, 4]), c.Ints(4, -1, 2))]),
        new("Reshape", "torch-style Shape→Gather→Concat target with symbolic batch", c =>
        {
            var x = c.Param("x", [2, 3, 4], declared: ["N", 3, 4]);
            var batch = c.Node("Unsqueeze", c.Node("Gather", c.Node("Shape", x), c.IntScalar(0)), c.Ints(0));
            return [c.Node("Reshape", c.Node("Mul", x, c.Const([3, 4])), c.Node("Concat", [batch, c.Ints(-1)], A(("axis", 0L))))];
        }),
        new("Transpose", "perm [2,0,1]", c => [c.Node("Transpose", [c.Param("x", [2, 3, 4])], A(("perm", new long[] { 2, 0, 1 })))]),
        new("Transpose", "default perm (reverse)", c => [c.Node("Transpose", c.Param("x", [2, 3, 4]))]),
        new("Squeeze", "axes [1]", c => [c.Node("Squeeze", c.Param("x", [2, 1, 3]), c.Ints(1))]),
        new("Unsqueeze", "axes [0, 3]", c => [c.Node("Unsqueeze", c.Param("x", [2, 3]), c.Ints(0, 3))]),
        new("Expand", "[3,1] → [2,3,4]", c => [c.Node("Expand", c.Param("x", [3, 1]), c.Ints(2, 3, 4))]),
        new("Expand", "prompt [1,2,4] to the run-time batch, concatenated to tokens [N,3,4] (VPT)", c =>
        {
            var x = c.Param("x", [2, 3, 4], declared: ["N", 3, 4]);
            var batch = c.Node("Slice", c.Node("Shape", x), c.Ints(0), c.Ints(1));
            var prompts = c.Node("Expand", c.Param("p", [1, 2, 4]), c.Node("Concat", [batch, c.Ints(2, 4)], A(("axis", 0L))));
            var joined = c.Node("Concat", [x, prompts], A(("axis", 1L)));
            return [c.Node("Mul", c.Node("Slice", joined, c.Ints(1), c.Ints(-1), c.Ints(1)), c.Const([2, 3, 4]))];
        }),
        new("Concat", "axis 1 of two trainable inputs and a constant", c =>
            [c.Node("Concat", [c.Param("a", [2, 1, 3]), c.Const([2, 2, 3]), c.Param("b", [2, 3, 3])], A(("axis", 1L)))]),
        new("Concat", "axis -1, symbolic batch", c =>
            [c.Node("Concat", [c.Param("a", [2, 2], declared: ["N", 2]), c.Param("b", [2, 3], declared: ["N", 3])], A(("axis", -1L)))]),
        new("Slice", "step 1 on two axes, negative end", c => [c.Node("Slice", c.Param("x", [4, 5]), c.Ints(1, 0), c.Ints(3, -1), c.Ints(0, 1))]),
        new("Slice", "step −2 (scatter-add path)", c => [c.Node("Slice", c.Param("x", [6, 3]), c.Ints(-1), c.Ints(long.MinValue), c.Ints(0), c.Ints(-2))]),
        new("Split", "split [1,2] on axis 1, both outputs used", c =>
        {
            var parts = c.Nodes("Split", [c.Param("x", [2, 3, 2]), c.Ints(1, 2)], 2, A(("axis", 1L)));
            return [parts[0], parts[1]];
        }),
        new("Split", "equal parts, only the second output used", c =>
            [c.Nodes("Split", [c.Param("x", [4, 2])], 2)[1]]),
        new("Pad", "constant pads [1,0,0,2] on [2,3]", c => [c.Node("Pad", c.Param("x", [2, 3]), c.Ints(1, 0, 0, 2))]),
        new("Pad", "padding and cropping [0,-1,1,1] with value 0.5", c => [c.Node("Pad", c.Param("x", [2, 3]), c.Ints(0, -1, 1, 1), c.Scalar(0.5))]),
        new("Tile", "repeats [2,1,3] on [2,3,1]", c => [c.Node("Tile", c.Param("x", [2, 3, 1]), c.Ints(2, 1, 3))]),
        new("Gather", "axis 0, 2-D indices with repeats", c =>
            [c.Node("Gather", c.Param("x", [4, 3]), Initializers.Add(c.Graph, TensorProtos.FromInt64s("", [0, 2, 2, 3], 2, 2), "idx"))]),
        new("Gather", "axis 1, scalar index", c =>
            [c.Node("Gather", [c.Param("x", [2, 4, 3]), c.IntScalar(1)], A(("axis", 1L)))]),
        new("Gather", "axis 1, negative and repeated indices", c =>
            [c.Node("Gather", [c.Param("x", [2, 4]), c.Ints(-1, 0, -1)], A(("axis", 1L)))]),
    ];

    private static string Indices(CaseGraph c, long[] values, params long[] dims) =>
        Initializers.Add(c.Graph, TensorProtos.FromInt64s("", values, dims), "idx");

    private static IEnumerable<GradientCheckCase> Indexing =>
    [
        new("GatherND", "elements of [3,4] by [3,2] indices, one repeated", c =>
            [c.Node("GatherND", c.Param("x", [3, 4]), Indices(c, [0, 1, 2, 3, 0, 1], 3, 2))]),
        new("GatherND", "rows of [3,4] by [2,1] indices", c => [c.Node("GatherND", c.Param("x", [3, 4]), Indices(c, [2, 0], 2, 1))]),
        new("GatherElements", "axis 1 on [2,3], repeated and negative indices", c =>
            [c.Node("GatherElements", [c.Param("x", [2, 3]), Indices(c, [0, 0, 2, -1], 2, 2)], A(("axis", 1L)))]),
        new("ScatterND", "rows 1 and 3 of [4,3] replaced, data and updates trainable", c =>
            [c.Node("ScatterND", c.Param("data", [4, 3]), Indices(c, [1, 3], 2, 1), c.Param("updates", [2, 3]))]),
        new("ScatterND", "reduction add, repeated element index", c =>
            [c.Node("ScatterND", [c.Param("data", [2, 3]), Indices(c, [0, 1, 1, 2, 0, 1], 3, 2), c.Param("updates", [3])], A(("reduction", "add")))]),
        new("ScatterElements", "axis 1 on [2,3], data and updates trainable", c =>
            [c.Node("ScatterElements", [c.Param("data", [2, 3]), Indices(c, [2, 0, 1, 2], 2, 2), c.Param("updates", [2, 2])], A(("axis", 1L)))]),
        new("ScatterElements", "reduction add, repeated indices on axis 0", c =>
            [c.Node("ScatterElements", [c.Param("data", [3, 2]), Indices(c, [1, 1, 1, 0], 2, 2), c.Param("updates", [2, 2])], A(("axis", 0L), ("reduction", "add")))]),
    ];

    private static GradientCheckCase Einsum(string equation, long[] a, long[]? b = null) =>
        new("Einsum", $"'{equation}'", c =>
        {
            string[] inputs = b is null ? [c.Param("a", a)] : [c.Param("a", a), c.Param("b", b)];
            return [c.Node("Einsum", inputs, A(("equation", equation)))];
        });

    private static IEnumerable<GradientCheckCase> Einsums =>
    [
        Einsum("bij,bjk->bik", [2, 2, 3], [2, 3, 2]),
        Einsum("bthc,hkc->bthk", [2, 2, 3, 4], [3, 2, 4]),
        Einsum("ij,jk->i", [2, 3], [3, 4]),
        Einsum("...ij,...jk->...ik", [2, 2, 3], [2, 3, 2]),
        Einsum("ij,jk", [2, 3], [3, 2]),
        Einsum("ij->ji", [2, 3]),
    ];

    /// <summary>Ops whose outputs carry no gradient: the total gradient through graphs that use them must still match.</summary>
    private static IEnumerable<GradientCheckCase> NotDifferentiable
    {
        get
        {
            const long Float = (long)TensorProto.Types.DataType.Double;
            string AsNumber(CaseGraph c, string v) => c.Node("Cast", [v], A(("to", Float)));
            GradientCheckCase Mask(string op, Func<CaseGraph, string, string> mask) =>
                new(op, "x · mask(x)", c => { var x = c.Param("x", [2, 3], AwayFromZero); return [c.Node("Mul", x, AsNumber(c, mask(c, x)))]; });
            return
            [
                Mask("Equal", (c, x) => c.Node("Equal", c.Node("Sign", x), c.Scalar(1))),
                Mask("Less", (c, x) => c.Node("Less", x, c.Scalar(0.1))),
                Mask("LessOrEqual", (c, x) => c.Node("LessOrEqual", x, c.Scalar(0.1))),
                Mask("Greater", (c, x) => c.Node("Greater", x, c.Scalar(0.1))),
                Mask("GreaterOrEqual", (c, x) => c.Node("GreaterOrEqual", x, c.Scalar(0.1))),
                Mask("Not", (c, x) => c.Node("Not", c.Node("Greater", x, c.Scalar(0)))),
                Mask("And", (c, x) => c.Node("And", c.Node("Greater", x, c.Scalar(-0.5)), c.Node("Less", x, c.Scalar(0.5)))),
                Mask("Or", (c, x) => c.Node("Or", c.Node("Greater", x, c.Scalar(0.5)), c.Node("Less", x, c.Scalar(-0.5)))),
                Mask("Xor", (c, x) => c.Node("Xor", c.Node("Greater", x, c.Scalar(0)), c.Node("Less", x, c.Scalar(0.5)))),
                Mask("IsNaN", (c, x) => c.Node("Not", c.Node("IsNaN", x))),
                Mask("IsInf", (c, x) => c.Node("Not", c.Node("IsInf", x))),
                Mask("Floor", (c, x) => c.Node("Floor", c.Node("Mul", x, c.Scalar(3.01)))),
                Mask("Ceil", (c, x) => c.Node("Ceil", c.Node("Mul", x, c.Scalar(3.01)))),
                Mask("Round", (c, x) => c.Node("Round", c.Node("Mul", x, c.Scalar(3.01)))),
                Mask("Sign", (c, x) => c.Node("Sign", x)),
                Mask("ArgMax", (c, x) => c.Node("ArgMax", [x], A(("axis", 1L)))),
                Mask("ArgMin", (c, x) => c.Node("ArgMin", [x], A(("axis", 0L)))),
                Mask("Shape", (c, x) => c.Node("Gather", c.Node("Shape", x), c.IntScalar(1))),
                Mask("Size", (c, x) => c.Node("Size", x)),
                Mask("NonZero", (c, x) => c.Node("Size", c.Node("NonZero", c.Node("Greater", x, c.Scalar(0))))),
                Mask("Range", (c, x) => c.Node("Range", c.IntScalar(1), c.IntScalar(4), c.IntScalar(1))),
                Mask("ConstantOfShape", (c, x) => c.Node("ConstantOfShape", [c.Node("Shape", x)], A(("value", TensorProtos.FromInt64s("v", [2], 1))))),
                Mask("Constant", (c, x) => c.Node("Constant", [], A(("value", TensorProtos.FromInt64s("v", [1, 2, 3], 3))))),
                Mask("OneHot", (c, x) => c.Node("OneHot", c.Ints(0, 2), c.IntScalar(3), c.Ints(0, 1))),
            ];
        }
    }
}
