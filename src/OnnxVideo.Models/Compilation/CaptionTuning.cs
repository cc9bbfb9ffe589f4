using System.Text.RegularExpressions;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// Bottleneck adapters and prompt tokens of captioners. Adapters go on the encoder's blocks (<c>adapter.&lt;i&gt;.attention|mlp</c>,
/// as for video_vit classifiers) and on each decoder layer's residuals (<c>adapter.decoder.&lt;i&gt;.self_attention|cross_attention|mlp</c>);
/// prompt tokens join the encoder's video tokens only and are dropped before the memory (the decoder's sequence is
/// causal and decoded one token at a time). The inference graphs get the same rewrites: encoder.onnx the encoder's,
/// decoder.onnx and decoder_step.onnx the decoder's; decoder_memory.onnx has none (cross-attention keys and values
/// read the memory, which the adapters do not touch).
/// </summary>
internal static class CaptionTuning
{
    public static TuningSites Sites(VideoCaptionConfig config) => new(graph => AdapterSites(graph, config), EncoderBlocks);

    /// <summary>The adapter sites of a captioner graph (training or inference), named the same in every graph that has them.</summary>
    public static IReadOnlyList<ResidualSite> AdapterSites(GraphProto graph, VideoCaptionConfig config)
    {
        var sites = EncoderBlocks(graph).SelectMany(b => new[]
        {
            new ResidualSite($"adapter.{b.Index}.attention", b.AttentionAdd, b.AttentionBranch, b.AttentionAdd.Input[b.AttentionBranch], b.Width, Tokens: true),
            new ResidualSite($"adapter.{b.Index}.mlp", b.MlpAdd, b.MlpBranch, b.MlpAdd.Input[b.MlpBranch], b.Width, Tokens: true),
        }).ToList();
        var adds = graph.Node.Where(n => n.OpType == "Add").GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        string[] parts = ["self_attention", "cross_attention", "mlp"];
        for (var layer = 0; layer < config.Layers; layer++)
        {
            for (var r = 0; r < parts.Length; r++)
            {
                // CaptionDecoder adds each branch as Add(stream, branch).
                if (adds.TryGetValue(CaptionNames.ResidualNode(layer, r + 1), out var add))
                {
                    sites.Add(new ResidualSite($"adapter.decoder.{layer}.{parts[r]}", add, 1, add.Input[1], config.Width, Tokens: true));
                }
            }
        }
        return sites;
    }

    /// <summary>The encoder's transformer blocks (the decoder's layers also look like blocks to the generic finder).</summary>
    public static IReadOnlyList<TransformerBlock> EncoderBlocks(GraphProto graph) =>
        ResidualStructure.TransformerBlocks(graph).Where(b => !b.AttentionAdd.Name.StartsWith(CaptionNames.DecoderPrefix, StringComparison.Ordinal)).ToList();

    /// <summary>
    /// The inference graphs with the adapters and prompt tokens of <paramref name="spec"/>, holding the training graph's
    /// initial values <paramref name="initial"/> (each graph draws random initial values only for its own sites, so
    /// they are copied by name); unchanged when the spec has neither.
    /// </summary>
    public static CaptionGraphs Tune(CaptionGraphs graphs, TuningSpec spec, IReadOnlyList<TensorProto> initial, string source)
    {
        var adapter = spec.Component(TuningKind.Adapter)?.Adapter;
        var prompt = spec.Component(TuningKind.Prompt)?.Prompt;
        if (adapter is null && prompt is null)
        {
            return graphs;
        }
        var values = initial.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var target = adapter?.Target is null ? null : new Regex(adapter.Target, RegexOptions.CultureInvariant);
        ModelProto Tuned(ModelProto model)
        {
            var tuned = model.Clone();
            var graph = tuned.Graph;
            var sites = adapter is null ? [] : AdapterSites(graph, graphs.Config);
            var blocks = prompt is null ? [] : EncoderBlocks(graph);
            var added = new HashSet<string>(StringComparer.Ordinal);
            if (adapter is not null && sites.Any(s => target?.IsMatch(s.Name) ?? true))
            {
                added.UnionWith(AdapterInjector.Apply(graph, adapter, sites, prompt?.Tokens ?? 0, source).SelectMany(a => a.Tensors));
            }
            if (prompt is not null && blocks.Count > 0)
            {
                added.UnionWith(PromptInjector.Apply(graph, prompt, blocks, source).Tensors);
            }
            for (var i = 0; i < graph.Initializer.Count; i++)
            {
                if (added.Contains(graph.Initializer[i].Name) && values.TryGetValue(graph.Initializer[i].Name, out var value))
                {
                    graph.Initializer[i] = value.Clone();
                }
            }
            return tuned;
        }
        return graphs with
        {
            Encoder = Tuned(graphs.Encoder),
            Decoder = Tuned(graphs.Decoder),
            DecoderMemory = Tuned(graphs.DecoderMemory),
            DecoderStep = Tuned(graphs.DecoderStep),
        };
    }
}
