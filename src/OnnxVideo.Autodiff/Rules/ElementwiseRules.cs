using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>Gradients of broadcasting arithmetic and pointwise functions.</summary>
internal static class ElementwiseRules
{
    private const double SqrtTwoOverPi = 0.79788456080286535588;
    private const double InvSqrtTwoPi = 0.39894228040143267794;

    public static string?[] Add(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
    [
        c.NeedsGradient(0) ? c.ReduceToShape(dy[0]!, c.OutputShape(), n.Input[0]) : null,
        c.NeedsGradient(1) ? c.ReduceToShape(dy[0]!, c.OutputShape(), n.Input[1]) : null,
    ];

    public static string?[] Sub(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
    [
        c.NeedsGradient(0) ? c.ReduceToShape(dy[0]!, c.OutputShape(), n.Input[0]) : null,
        c.NeedsGradient(1) ? c.ReduceToShape(c.Op("Neg", dy[0]!), c.OutputShape(), n.Input[1]) : null,
    ];

    public static string?[] Mul(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
    [
        c.NeedsGradient(0) ? c.ReduceToShape(c.Op("Mul", dy[0]!, n.Input[1]), c.OutputShape(), n.Input[0]) : null,
        c.NeedsGradient(1) ? c.ReduceToShape(c.Op("Mul", dy[0]!, n.Input[0]), c.OutputShape(), n.Input[1]) : null,
    ];

    /// <summary>y = a / b: da = g / b, db = -g · y / b.</summary>
    public static string?[] Div(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
    [
        c.NeedsGradient(0) ? c.ReduceToShape(c.Op("Div", dy[0]!, n.Input[1]), c.OutputShape(), n.Input[0]) : null,
        c.NeedsGradient(1) ? c.ReduceToShape(c.Op("Neg", c.Op("Mul", dy[0]!, c.Op("Div", n.Output[0], n.Input[1]))), c.OutputShape(), n.Input[1]) : null,
    ];

    /// <summary>y = a^e: da = g · e · a^(e−1); de = g · y · ln a.</summary>
    public static string?[] Pow(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (a, e, g) = (n.Input[0], n.Input[1], dy[0]!);
        string? da = null;
        if (c.NeedsGradient(0))
        {
            var constant = c.Shapes.ConstantOf(e) is { } t ? ConstantTensors.ToDoubles(t) : null;
            string? local;
            if (constant is { Length: 1 } && constant[0] == 2) local = c.Op("Mul", a, c.Scalar(2, a));
            else if (constant is { Length: 1 } && constant[0] == 1) local = null;
            else if (constant is { Length: 1 }) local = c.Op("Mul", c.Scalar(constant[0], a), c.Op("Pow", a, c.Scalar(constant[0] - 1, a)));
            else
            {
                var ea = c.ElemType(e) == c.ElemType(a) ? e : c.Cast(e, c.ElemType(a));
                local = c.Op("Mul", ea, c.Op("Pow", a, c.Op("Sub", ea, c.Scalar(1, a))));
            }
            da = c.ReduceToShape(local is null ? g : c.Op("Mul", g, local), c.OutputShape(), a);
        }
        string? de = c.NeedsGradient(1) ? c.ReduceToShape(c.Op("Mul", g, c.Op("Mul", n.Output[0], c.Op("Log", a))), c.OutputShape(), e) : null;
        return [da, de];
    }

    public static string?[] Neg(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) => [c.Op("Neg", dy[0]!)];

    public static string?[] Identity(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) => [dy[0]];

    public static string?[] Sqrt(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
        [c.Op("Div", c.Op("Mul", dy[0]!, c.Scalar(0.5, n.Input[0])), n.Output[0])];

    public static string?[] Exp(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) => [c.Op("Mul", dy[0]!, n.Output[0])];

    public static string?[] Log(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) => [c.Op("Div", dy[0]!, n.Input[0])];

    public static string?[] Relu(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
        [c.Op("Where", c.Op("Greater", n.Input[0], c.Scalar(0, n.Input[0])), dy[0]!, c.Scalar(0, n.Input[0]))];

    /// <summary>g · y · (1 − y).</summary>
    public static string?[] Sigmoid(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var y = n.Output[0];
        return [c.Op("Mul", dy[0]!, c.Op("Mul", y, c.Op("Sub", c.Scalar(1, y), y)))];
    }

    /// <summary>g · (1 − y²).</summary>
    public static string?[] Tanh(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var y = n.Output[0];
        return [c.Op("Mul", dy[0]!, c.Op("Sub", c.Scalar(1, y), c.Op("Mul", y, y)))];
    }

    /// <summary>g · 2/√π · exp(−x²).</summary>
    public static string?[] Erf(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var x = n.Input[0];
        var local = c.Op("Mul", c.Scalar(2 * InvSqrtTwoPi * Math.Sqrt(2), x), c.Op("Exp", c.Op("Neg", c.Op("Mul", x, x))));
        return [c.Op("Mul", dy[0]!, local)];
    }

    /// <summary>Exact: Φ(x) + x·φ(x). Tanh form: 0.5(1+t) + 0.5x(1−t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(√(2/π)(x + 0.044715x³)).</summary>
    public static string?[] Gelu(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var x = n.Input[0];
        var x2 = c.Op("Mul", x, x);
        string local;
        if (Onnx(n) == "tanh")
        {
            var inner = c.Op("Mul", c.Scalar(SqrtTwoOverPi, x), c.Op("Add", x, c.Op("Mul", c.Scalar(0.044715, x), c.Op("Mul", x2, x))));
            var t = c.Op("Tanh", inner);
            var left = c.Op("Mul", c.Scalar(0.5, x), c.Op("Add", c.Scalar(1, x), t));
            var dInner = c.Op("Mul", c.Scalar(SqrtTwoOverPi, x), c.Op("Add", c.Scalar(1, x), c.Op("Mul", c.Scalar(3 * 0.044715, x), x2)));
            var right = c.Op("Mul", c.Op("Mul", c.Scalar(0.5, x), x), c.Op("Mul", c.Op("Sub", c.Scalar(1, x), c.Op("Mul", t, t)), dInner));
            local = c.Op("Add", left, right);
        }
        else
        {
            var cdf = c.Op("Mul", c.Scalar(0.5, x), c.Op("Add", c.Scalar(1, x), c.Op("Erf", c.Op("Mul", x, c.Scalar(1 / Math.Sqrt(2), x)))));
            var pdf = c.Op("Mul", c.Scalar(InvSqrtTwoPi, x), c.Op("Exp", c.Op("Mul", x2, c.Scalar(-0.5, x))));
            local = c.Op("Add", cdf, c.Op("Mul", x, pdf));
        }
        return [c.Op("Mul", dy[0]!, local)];

        static string Onnx(NodeProto node) => AttributeValues.String(node, "approximate", "none");
    }

    /// <summary>dx = y · (g − Σ g·y) over the softmax axis.</summary>
    public static string?[] Softmax(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var y = n.Output[0];
        long axis = AttributeValues.Int(n, "axis", -1);
        var dot = c.ReduceSum(c.Op("Mul", dy[0]!, y), [axis], keepDims: true);
        return [c.Op("Mul", y, c.Op("Sub", dy[0]!, dot))];
    }

    /// <summary>dx = g − exp(y) · Σ g over the axis.</summary>
    public static string?[] LogSoftmax(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        long axis = AttributeValues.Int(n, "axis", -1);
        var sum = c.ReduceSum(dy[0]!, [axis], keepDims: true);
        return [c.Op("Sub", dy[0]!, c.Op("Mul", c.Op("Exp", n.Output[0]), sum))];
    }

    /// <summary>The condition is not differentiable; each branch gets the gradient where it was chosen.</summary>
    public static string?[] Where(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (cond, g) = (n.Input[0], dy[0]!);
        var zero = c.Scalar(0, n.Output[0]);
        return
        [
            null,
            c.NeedsGradient(1) ? c.ReduceToShape(c.Op("Where", cond, g, zero), c.OutputShape(), n.Input[1]) : null,
            c.NeedsGradient(2) ? c.ReduceToShape(c.Op("Where", cond, zero, g), c.OutputShape(), n.Input[2]) : null,
        ];
    }

    /// <summary>Gradient passes where min ≤ x ≤ max (as PyTorch clamp); a bound gets the gradient of the elements it clipped.</summary>
    public static string?[] Clip(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, g) = (n.Input[0], dy[0]!);
        var zero = c.Scalar(0, x);
        var min = NodeValues.Input(n, 1) ?? (AttributeValues.Float(n, "min") is { } a ? c.Scalar(a, x) : null);
        var max = NodeValues.Input(n, 2) ?? (AttributeValues.Float(n, "max") is { } b ? c.Scalar(b, x) : null);
        string? mask = null;
        if (min is not null) mask = c.Op("GreaterOrEqual", x, min);
        if (max is not null) mask = mask is null ? c.Op("LessOrEqual", x, max) : c.Op("And", mask, c.Op("LessOrEqual", x, max));
        var all = Enumerable.Range(0, c.Rank(x)).Select(i => (long)i).ToArray();
        return
        [
            c.NeedsGradient(0) ? (mask is null ? g : c.Op("Where", mask, g, zero)) : null,
            c.NeedsGradient(1) && min is not null ? c.ReduceSum(c.Op("Where", c.Op("Less", x, min), g, zero), all, keepDims: false) : null,
            c.NeedsGradient(2) && max is not null ? c.ReduceSum(c.Op("Where", c.Op("Greater", x, max), g, zero), all, keepDims: false) : null,
        ];
    }

    /// <summary>Float-to-float casts pass the gradient back in the input's type; other casts are not differentiable.</summary>
    public static string?[] Cast(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var from = c.Shapes.ElemTypeOf(n.Input[0]);
        bool isFloat = from is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double
            or TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16;
        if (!isFloat) return [null];
        return [from == c.ElemType(n.Output[0]) ? dy[0] : c.Cast(dy[0]!, from)];
    }

    /// <summary>
    /// Training mode: dx = g · mask / (1 − ratio), with the mask taken from the node's second output (added when
    /// the node did not expose it). Inference mode is the identity.
    /// </summary>
    public static string?[] Dropout(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, g) = (n.Input[0], dy[0]!);
        var training = NodeValues.Input(n, 2);
        if (training is null) return [g, null, null];
        var trainingConstant = c.Shapes.ConstantInts(training) ?? (c.Shapes.ConstantOf(training) is { } tt && tt.DataType == (int)TensorProto.Types.DataType.Bool
            ? (tt.Int32Data.Count > 0 ? tt.Int32Data.Select(v => (long)v).ToArray() : tt.RawData.ToByteArray().Select(v => (long)v).ToArray())
            : null);
        if (trainingConstant is [0]) return [g, null, null];
        if (NodeValues.Output(n, 1) is null)
        {
            while (n.Output.Count < 2) n.Output.Add("");
            n.Output[1] = c.Graph.UniqueName($"{n.Output[0]}_mask");
        }
        var ratio = NodeValues.Input(n, 1);
        string scale;
        var ratioConstant = ratio is null ? [0.5] : c.Shapes.ConstantOf(ratio) is { } rt ? ConstantTensors.ToDoubles(rt) : null;
        if (ratioConstant is { Length: 1 }) scale = c.Scalar(1 / (1 - ratioConstant[0]), x);
        else
        {
            var r = c.ElemType(ratio!) == c.ElemType(x) ? ratio! : c.Cast(ratio!, c.ElemType(x));
            scale = c.Op("Div", c.Scalar(1, x), c.Op("Sub", c.Scalar(1, x), r));
        }
        if (trainingConstant is null) scale = c.Op("Where", training, scale, c.Scalar(1, x));
        var mask = c.Cast(n.Output[1], c.ElemType(x));
        return [c.Op("Mul", c.Op("Mul", g, mask), scale), null, null];
    }
}
