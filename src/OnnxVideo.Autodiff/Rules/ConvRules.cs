using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>Gradient of Conv (1–3-D, strides, pads, dilations, groups) via plain Conv nodes only.</summary>
internal static class ConvRules
{
    public static string?[] Conv(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (x, w, g) = (n.Input[0], n.Input[1], dy[0]!);
        var wShape = c.ShapeOf(w);
        if (wShape is null || !wShape.IsFullyKnown) throw c.Fail($"the weight shape of '{w}' must be known at graph-build time");
        var wDims = wShape.ToArray();
        var xShape = c.ShapeOf(x) ?? throw c.Fail($"the shape of '{x}' must be known at graph-build time");
        var axes = ConvGeometry.Compute(n, xShape, wDims[2..], isPool: false)
            ?? throw c.Fail($"the spatial sizes of '{x}' must be known at graph-build time (got {xShape})");
        long groups = AttributeValues.Int(n, "group", 1);
        string? dx = null, dw = null, db = null;
        if (c.NeedsGradient(0))
        {
            var prepared = ConvGradients.InputGradientWeights(c, w, wDims, groups);
            dx = ConvGradients.InputGradient(c, g, prepared, axes, groups);
        }
        if (c.NeedsGradient(1)) dw = ConvGradients.WeightGradient(c, x, g, axes, groups, wDims[0], wDims[1]);
        if (c.NeedsGradient(2))
        {
            var reduceAxes = new List<long> { 0 };
            reduceAxes.AddRange(Enumerable.Range(2, axes.Length).Select(i => (long)i));
            db = c.ReduceSum(g, reduceAxes, keepDims: false);
        }
        return [dx, dw, db];
    }
}
