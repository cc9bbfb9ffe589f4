using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>Gradients of BatchNormalization (inference form, frozen running statistics) and LayerNormalization.</summary>
internal static class NormRules
{
    /// <summary>
    /// y = scale · (x − mean) / √(var + ε) + bias with mean/var frozen: dx = g · scale · rstd,
    /// dscale = Σ g · x̂, dbias = Σ g (sums over every axis but channels).
    /// </summary>
    public static string?[] BatchNormalization(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        if (AttributeValues.Int(n, "training_mode", 0) != 0)
            throw c.Fail("BatchNormalization in training mode is not supported; running statistics are frozen (use training_mode=0)");
        var (x, scale, mean, variance, g) = (n.Input[0], n.Input[1], n.Input[3], n.Input[4], dy[0]!);
        int rank = c.Rank(x);
        var channelAxes = Enumerable.Range(1, Math.Max(0, rank - 2)).Select(i => (long)i).ToArray();
        string PerChannel(string v) => channelAxes.Length == 0 ? v : c.Unsqueeze(v, channelAxes);
        var reduceAxes = new List<long> { 0 };
        reduceAxes.AddRange(Enumerable.Range(2, Math.Max(0, rank - 2)).Select(i => (long)i));
        var epsilon = c.Scalar(AttributeValues.Float(n, "epsilon", 1e-5f), variance);
        var rstd = c.Op("Reciprocal", c.Op("Sqrt", c.Op("Add", variance, epsilon)));
        string? dx = null, dscale = null, dbias = null;
        if (c.NeedsGradient(0)) dx = c.Op("Mul", g, PerChannel(c.Op("Mul", scale, rstd)));
        if (c.NeedsGradient(1))
        {
            var xhat = c.Op("Mul", c.Op("Sub", x, PerChannel(mean)), PerChannel(rstd));
            dscale = c.ReduceSum(c.Op("Mul", g, xhat), reduceAxes, keepDims: false);
        }
        if (c.NeedsGradient(2)) dbias = c.ReduceSum(g, reduceAxes, keepDims: false);
        return [dx, dscale, dbias, null, null];
    }

    /// <summary>
    /// The fused training form (batch statistics, <see cref="Fused.FusedBatchNormTraining"/>), in closed form from its
    /// saved x − μ and rstd (x̂ = (x − μ)·rstd): with sums over every axis but channels and N their element count,
    /// dbias = Σ g, dscale = Σ g·x̂, dx = scale·rstd·(g − dbias/N − x̂·dscale/N). Gradients reach the statistics
    /// outputs only through the running-statistics update, which is not differentiated.
    /// </summary>
    public static string?[] BatchNormalizationTraining(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        if (dy.Skip(1).Any(d => d is not null)) throw c.Fail("only its normalized output y can carry a gradient");
        var (x, scale, g, centered, inverseStd) = (n.Input[0], n.Input[1], dy[0]!, n.Output[3], n.Output[4]);
        int rank = c.Rank(x);
        var axes = Fused.FusedBatchNormTraining.ReducedAxes(rank);
        var perChannel = c.Ints([1, -1, .. Enumerable.Repeat(1L, rank - 2)]);
        var channels = c.Ints(-1);
        var dbias = c.ReduceSum(g, axes, keepDims: true);
        // x̂ = (x − μ)·rstd with rstd per channel: Σ g·x̂ = rstd·Σ g·(x − μ), and x̂·a = (x − μ)·(rstd·a).
        var dscale = c.Op("Mul", c.ReduceSum(c.Op("Mul", g, centered), axes, keepDims: true), inverseStd);
        string? dx = null;
        if (c.NeedsGradient(0))
        {
            var inverseCount = c.Op("Div", c.Cast(c.Op("Size", dbias), c.ElemType(x)), c.Cast(c.Op("Size", x), c.ElemType(x)));
            var centeredGrad = c.Op("Sub", c.Op("Sub", g, c.Op("Mul", dbias, inverseCount)),
                c.Op("Mul", centered, c.Op("Mul", dscale, c.Op("Mul", inverseCount, inverseStd))));
            dx = c.Op("Mul", centeredGrad, c.Op("Mul", inverseStd, c.Reshape(scale, perChannel)));
        }
        return [dx, c.NeedsGradient(1) ? c.Reshape(dscale, channels) : null, c.NeedsGradient(2) ? c.Reshape(dbias, channels) : null];
    }

    /// <summary>
    /// Normalisation over axes [axis, rank): with x̂ = (x − μ)·rstd and ĝ = g·scale,
    /// dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ·x̂)); dscale = Σ g·x̂ and dbias = Σ g over the leading axes.
    /// </summary>
    public static string?[] LayerNormalization(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        if (dy[0] is null) throw c.Fail("only the gradient of the normalised output (not of Mean/InvStdDev) is supported");
        var (x, scale, g) = (n.Input[0], n.Input[1], dy[0]!);
        int rank = c.Rank(x);
        long axis = AttributeValues.Int(n, "axis", -1);
        if (axis < 0) axis += rank;
        var axes = Enumerable.Range((int)axis, rank - (int)axis).Select(i => (long)i).ToArray();
        var xShape = c.ShapeOf(x)!;
        string inverseCount;
        if (axes.All(a => xShape[(int)a].IsKnown))
            inverseCount = c.Scalar(1.0 / axes.Aggregate(1L, (p, a) => p * xShape[(int)a].Value!.Value), x);
        else
        {
            var kept = c.ReduceSum(x, axes, keepDims: true);
            inverseCount = c.Op("Div", c.Cast(c.Op("Size", kept), c.ElemType(x)), c.Cast(c.Op("Size", x), c.ElemType(x)));
        }
        string Mean(string v) => c.Op("Mul", c.ReduceSum(v, axes, keepDims: true), inverseCount);
        var centered = c.Op("Sub", x, Mean(x));
        var epsilon = c.Scalar(AttributeValues.Float(n, "epsilon", 1e-5f), x);
        var rstd = c.Op("Reciprocal", c.Op("Sqrt", c.Op("Add", Mean(c.Op("Mul", centered, centered)), epsilon)));
        var xhat = c.Op("Mul", centered, rstd);
        string? dx = null, dscale = null, dbias = null;
        if (c.NeedsGradient(0))
        {
            var ghat = c.Op("Mul", g, scale);
            var inner = c.Op("Sub", c.Op("Sub", ghat, Mean(ghat)), c.Op("Mul", xhat, Mean(c.Op("Mul", ghat, xhat))));
            dx = c.Op("Mul", rstd, inner);
        }
        if (c.NeedsGradient(1)) dscale = c.ReduceToShape(c.Op("Mul", g, xhat), xShape, scale);
        if (c.NeedsGradient(2)) dbias = c.ReduceToShape(g, xShape, n.Input[2]);
        return [dx, dscale, dbias];
    }
}
