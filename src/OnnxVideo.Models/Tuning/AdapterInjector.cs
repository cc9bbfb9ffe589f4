using System.Text.RegularExpressions;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// Inserts bottleneck adapters h + s·up(GELU(down(h))) into a graph: on the attention and MLP branches of transformer
/// blocks, just before their residual Add (Houlsby/AIM placement), or on the output of the residual blocks of 3-D CNNs
/// (1×1×1 convolutions on channels). Down-projections are drawn as PyTorch's Linear default (uniform ±1/√in), up-
/// projections and biases start at zero; the temporal depthwise convolution (kernel 3 over time) starts as the identity.
/// Tensors are named <c>&lt;site&gt;.down.weight</c> ([dim, width] as PyTorch's Linear, [dim, width, 1, 1, 1] on CNNs), <c>.down.bias</c>,
/// <c>.temporal.weight</c> / <c>.temporal.bias</c>, <c>.up.weight</c>, <c>.up.bias</c>.
/// </summary>
internal static class AdapterInjector
{
    /// <param name="sites">Where adapters may go (<see cref="Sites"/>), found before other rewrites of the graph.</param>
    /// <param name="promptTokens">Prompt tokens appended to the token sequence (they are not part of the patch grid).</param>
    public static IReadOnlyList<BottleneckAdapter> Apply(GraphProto graph, AdapterOptions options, IReadOnlyList<ResidualSite> sites,
        int promptTokens, string source)
    {
        var spec = TuningSpec.ForAdapter(options).ToString();
        if (sites.Count == 0)
        {
            throw new TuningSpecException(spec, $"found no place for adapters in {source}: neither pre-norm transformer blocks " +
                "(LayerNormalization → attention with Softmax / MLP → residual Add) nor residual Adds of 3-D convolution blocks");
        }
        var regex = options.Target is null ? null : new Regex(options.Target, RegexOptions.CultureInvariant);
        var chosen = sites.Where(s => regex?.IsMatch(s.Name) ?? true).ToList();
        if (chosen.Count == 0)
        {
            var names = string.Join(", ", sites.Take(6).Select(s => s.Name)) + (sites.Count > 6 ? ", …" : "");
            throw new TuningSpecException(spec, $"target matched none of the adapter sites of {source} ({names})");
        }
        var grid = options.Temporal && chosen.FirstOrDefault(s => s.Tokens) is { } first ? TokenGrid.Find(graph, first.Value, first.Width, spec, source) : null;
        var builder = GraphBuilder.Wrap(graph);
        var random = new Random(options.Seed);
        var adapters = new List<BottleneckAdapter>();
        foreach (var site in chosen)
        {
            adapters.Add(Insert(builder, site, options, random, grid, promptTokens));
        }
        GraphRewrites.SortTopologically(graph);
        return adapters;
    }

    /// <summary>Adapter sites: the attention and MLP residuals of transformer blocks, else the residual blocks of CNNs.</summary>
    public static IReadOnlyList<ResidualSite> Sites(GraphProto graph)
    {
        var blocks = ResidualStructure.TransformerBlocks(graph);
        if (blocks.Count == 0)
        {
            return ResidualStructure.ConvolutionBlocks(graph);
        }
        return blocks.SelectMany(b => new[]
        {
            new ResidualSite($"adapter.{b.Index}.attention", b.AttentionAdd, b.AttentionBranch, b.AttentionAdd.Input[b.AttentionBranch], b.Width, Tokens: true),
            new ResidualSite($"adapter.{b.Index}.mlp", b.MlpAdd, b.MlpBranch, b.MlpAdd.Input[b.MlpBranch], b.Width, Tokens: true),
        }).ToList();
    }

    private static BottleneckAdapter Insert(GraphBuilder g, ResidualSite site, AdapterOptions options, Random random, TokenGrid? grid, int promptTokens)
    {
        var (name, width, dim) = (site.Name, site.Width, (long)options.Dim);
        long[] pointwise = site.Tokens ? [] : [1, 1, 1];
        var bound = 1.0 / Math.Sqrt(width);
        var downData = new float[dim * width];
        for (var i = 0; i < downData.Length; i++)
        {
            downData[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        }
        var tensors = new List<string>
        {
            g.Initializer(name + ".down.weight", downData, [dim, width, .. pointwise]),
            g.Initializer(name + ".down.bias", new float[dim], dim),
        };
        var h = site.Value;
        var z = Project(g, h, tensors[0], tensors[1], site.Tokens, name + ".down");
        if (options.Temporal)
        {
            var identity = new float[dim * 3];
            for (var c = 0; c < dim; c++)
            {
                identity[c * 3 + 1] = 1f;
            }
            tensors.Add(g.Initializer(name + ".temporal.weight", identity, site.Tokens ? [dim, 1, 3, 1] : [dim, 1, 3, 1, 1]));
            tensors.Add(g.Initializer(name + ".temporal.bias", new float[dim], dim));
            z = site.Tokens
                ? grid!.TemporalConv(g, z, dim, tensors[2], tensors[3], promptTokens, name + ".temporal")
                : TemporalConv(g, z, dim, tensors[2], tensors[3], [1, 0, 0, 1, 0, 0], name + ".temporal");
        }
        var a = Gelu(g, z, name + ".gelu");
        tensors.Add(g.Initializer(name + ".up.weight", new float[width * dim], [width, dim, .. pointwise]));
        tensors.Add(g.Initializer(name + ".up.bias", new float[width], width));
        var u = Project(g, a, tensors[^2], tensors[^1], site.Tokens, name + ".up");
        var adapted = g.Node("Add", [h, g.Node("Mul", [u, g.Constant(options.Scale)], name: name + ".scale")], name: name + ".residual");
        if (site.Tokens)
        {
            site.Add.Input[site.BranchInput] = adapted;
        }
        else
        {
            Redirect(g.Graph, h, adapted, name);
        }
        return new BottleneckAdapter(name, h, width, options.Dim, options.Scale, options.Temporal, tensors);
    }

    /// <summary>x·Wᵀ + b on tokens [N, L, in] (W [out, in]); a 1×1×1 convolution on [N, in, T, H, W] otherwise.</summary>
    private static string Project(GraphBuilder g, string x, string weight, string bias, bool tokens, string name)
    {
        if (!tokens)
        {
            return g.Node("Conv", [x, weight, bias], name: name);
        }
        var wT = g.Node("Transpose", [weight], new Dictionary<string, object> { ["perm"] = new long[] { 1, 0 } }, name + ".weight_t");
        return g.Node("Add", [g.Node("MatMul", [x, wT], name: name + ".matmul"), bias], name: name);
    }

    /// <summary>Depthwise convolution of kernel 3 over time (axis 2), padded to keep the length.</summary>
    internal static string TemporalConv(GraphBuilder g, string x, long channels, string weight, string bias, long[] pads, string name) =>
        g.Node("Conv", [x, weight, bias], new Dictionary<string, object> { ["group"] = channels, ["pads"] = pads }, name);

    /// <summary>Exact GELU, 0.5·x·(1 + erf(x/√2)), from opset-13 ops (the Gelu op needs opset 20).</summary>
    private static string Gelu(GraphBuilder g, string x, string name)
    {
        var erf = g.Node("Erf", [g.Node("Mul", [x, g.Constant((float)(1 / Math.Sqrt(2)))], name: name + ".scaled")], name: name + ".erf");
        var onePlus = g.Node("Add", [erf, g.Constant(1f)], name: name + ".one_plus");
        return g.Node("Mul", [g.Node("Mul", [x, g.Constant(0.5f)], name: name + ".half"), onePlus], name: name);
    }

    /// <summary>Makes every node that reads <paramref name="from"/>, except the adapter's own, read <paramref name="to"/>.</summary>
    private static void Redirect(GraphProto graph, string from, string to, string adapter)
    {
        foreach (var node in graph.Node.Where(n => !n.Name.StartsWith(adapter + ".", StringComparison.Ordinal)))
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }
        }
    }
}
