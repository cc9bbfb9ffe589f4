using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>Gradients of further pointwise and variadic ops: Abs, Reciprocal, LeakyRelu, HardSigmoid, HardSwish, Sum, Mean, Max, Min.</summary>
internal static class ExtraActivationRules
{
    public static string?[] Abs(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) => [c.Op("Mul", dy[0]!, c.Op("Sign", n.Input[0]))];

    /// <summary>−g · y².</summary>
    public static string?[] Reciprocal(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var y = n.Output[0];
        return [c.Op("Neg", c.Op("Mul", dy[0]!, c.Op("Mul", y, y)))];
    }

    public static string?[] LeakyRelu(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, g) = (n.Input[0], dy[0]!);
        var alpha = c.Scalar(AttributeValues.Float(n, "alpha", 0.01f), x);
        return [c.Op("Where", c.Op("Greater", x, c.Scalar(0, x)), g, c.Op("Mul", g, alpha))];
    }

    /// <summary>y = clamp(αx + β, 0, 1): dx = α·g inside the linear part.</summary>
    public static string?[] HardSigmoid(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, g) = (n.Input[0], dy[0]!);
        float alpha = AttributeValues.Float(n, "alpha", 0.2f), beta = AttributeValues.Float(n, "beta", 0.5f);
        var t = c.Op("Add", c.Op("Mul", x, c.Scalar(alpha, x)), c.Scalar(beta, x));
        var inside = c.Op("And", c.Op("Greater", t, c.Scalar(0, x)), c.Op("Less", t, c.Scalar(1, x)));
        return [c.Op("Where", inside, c.Op("Mul", g, c.Scalar(alpha, x)), c.Scalar(0, x))];
    }

    /// <summary>y = x · clamp(x/6 + 1/2, 0, 1): dy/dx = 0 below −3, 1 above 3, x/3 + 1/2 between.</summary>
    public static string?[] HardSwish(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, g) = (n.Input[0], dy[0]!);
        var middle = c.Op("Add", c.Op("Mul", x, c.Scalar(1.0 / 3, x)), c.Scalar(0.5, x));
        var local = c.Op("Where", c.Op("Less", x, c.Scalar(-3, x)), c.Scalar(0, x), c.Op("Where", c.Op("Greater", x, c.Scalar(3, x)), c.Scalar(1, x), middle));
        return [c.Op("Mul", g, local)];
    }

    public static string?[] Sum(GradientContext c, NodeProto n, IReadOnlyList<string?> dy) =>
        n.Input.Select((input, i) => c.NeedsGradient(i) ? c.ReduceToShape(dy[0]!, c.OutputShape(), input) : null).ToArray();

    public static string?[] Mean(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var scaled = c.Op("Mul", dy[0]!, c.Scalar(1.0 / n.Input.Count, n.Output[0]));
        return n.Input.Select((input, i) => c.NeedsGradient(i) ? c.ReduceToShape(scaled, c.OutputShape(), input) : null).ToArray();
    }

    /// <summary>Max and Min: the gradient goes to every input equal to the result (ties each receive it in full).</summary>
    public static string?[] Extremum(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (y, g) = (n.Output[0], dy[0]!);
        return n.Input.Select((input, i) => c.NeedsGradient(i)
            ? c.ReduceToShape(c.Op("Where", c.Op("Equal", input, y), g, c.Scalar(0, y)), c.OutputShape(), input)
            : null).ToArray();
    }
}
