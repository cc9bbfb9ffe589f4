using OnnxVideo.Onnx;

namespace OnnxVideo.Models.Zoo;

/// <summary>The transformer pieces shared by <see cref="VideoVit"/> and <see cref="CaptionDecoder"/>, as opset-17 nodes.</summary>
internal static class TransformerOps
{
    /// <summary>VideoMAE's and BART's initialisation of Linear weights and embeddings.</summary>
    public static readonly ParameterInit WeightInit = ParameterInit.Normal(0.02);

    /// <summary>x · Wᵀ (+ bias) on [N, L, in], W declared in PyTorch's [out, in] layout under its checkpoint name.</summary>
    public static string Project(ZooGraph g, string x, string weightName, string? bias, long inWidth, long outWidth, long tokens, string name)
    {
        var b = g.Builder;
        var weight = g.Parameter(weightName, [outWidth, inWidth], WeightInit);
        var wT = b.Node("Transpose", [weight], Perm(1, 0), name + ".weight_t");
        var y = b.Node("MatMul", [x, wT], name: bias is null ? name : name + ".matmul");
        g.AddMultiplyAccumulates(tokens * inWidth * outWidth);
        return bias is null ? y : b.Node("Add", [y, bias], name: name);
    }

    /// <summary><see cref="Project"/> with a zero-initialised bias named <c>{prefix}.bias</c> and weight <c>{prefix}.weight</c>.</summary>
    public static string Linear(ZooGraph g, string x, string prefix, long inWidth, long outWidth, long tokens, string name) =>
        Project(g, x, prefix + ".weight", g.Parameter(prefix + ".bias", [outWidth], ParameterInit.Zeros), inWidth, outWidth, tokens, name);

    /// <summary>[N, L, heads · head width] → [N, L, heads, head width], then transposed by <paramref name="perm"/>.</summary>
    public static string SplitHeads(GraphBuilder b, string x, long heads, long headWidth, IReadOnlyDictionary<string, object> perm, string name)
    {
        var split = b.Node("Reshape", [x, b.Constant([0, 0, heads, headWidth])], name: name + ".split");
        return b.Node("Transpose", [split], perm, name);
    }

    /// <summary>[N, H, L, Dh] → [N, L, H · Dh].</summary>
    public static string MergeHeads(GraphBuilder b, string context, long width, string name) =>
        b.Node("Reshape", [b.Node("Transpose", [context], Perm(0, 2, 1, 3), name + "_tokens"), b.Constant([0, 0, width])], name: name + "_merged");

    /// <summary>LayerNorm over the last axis with <c>{prefix}.weight</c> (ones) and <c>{prefix}.bias</c> (zeros).</summary>
    public static string LayerNorm(ZooGraph g, string x, string prefix, long width, float epsilon, string name)
    {
        var scale = g.Parameter(prefix + ".weight", [width], ParameterInit.Ones);
        var bias = g.Parameter(prefix + ".bias", [width], ParameterInit.Zeros);
        return g.Builder.Node("LayerNormalization", [x, scale, bias], new Dictionary<string, object> { ["axis"] = -1L, ["epsilon"] = epsilon }, name);
    }

    /// <summary>Exact GELU, 0.5·x·(1 + erf(x/√2)), from opset-13 ops (the Gelu op needs opset 20).</summary>
    public static string Gelu(GraphBuilder b, string x, string name)
    {
        var erf = b.Node("Erf", [b.Node("Mul", [x, b.Constant((float)(1 / Math.Sqrt(2)))], name: name + ".scaled")], name: name + ".erf");
        var onePlus = b.Node("Add", [erf, b.Constant(1f)], name: name + ".one_plus");
        return b.Node("Mul", [b.Node("Mul", [x, b.Constant(0.5f)], name: name + ".half"), onePlus], name: name);
    }

    /// <summary>
    /// softmax(q·kᵀ / √Dh (+ mask)) · v on heads: q [N, H, Lq, Dh], kT [N, H, Dh, Lk], v [N, H, Lk, Dh]; the
    /// additive <paramref name="mask"/> [Lq, Lk] (0 or a large negative number) hides keys.
    /// </summary>
    public static string Attend(GraphBuilder b, string q, string kT, string v, long headWidth, string? mask, string name)
    {
        var scale = b.Constant((float)(1 / Math.Sqrt(headWidth)));
        var scores = b.Node("Mul", [b.Node("MatMul", [q, kT], name: name + "qk"), scale], name: name + "scores");
        if (mask is not null)
        {
            scores = b.Node("Add", [scores, mask], name: name + "masked_scores");
        }
        var probs = b.Node("Softmax", [scores], new Dictionary<string, object> { ["axis"] = -1L }, name + "probs");
        return b.Node("MatMul", [probs, v], name: name + "context");
    }

    public static Dictionary<string, object> Perm(params long[] perm) => new() { ["perm"] = perm };

    public static Dictionary<string, object> Axis(long axis) => new() { ["axis"] = axis };
}
