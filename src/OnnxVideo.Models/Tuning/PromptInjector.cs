using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// Appends learnable prompt tokens to a transformer's token sequence (VPT). Shallow: one [1, P, width] tensor
/// <c>prompt.tokens</c> concatenated at the input of the first block, dropped after the last; deep: <c>prompt.&lt;i&gt;.tokens</c>
/// concatenated at the input of block i and dropped after it. Self-attention does not depend on token order, so
/// appending them equals VPT's [CLS, prompts, patches]; dropping them before pooling keeps [CLS] and mean pooling to
/// the model's own tokens, as VPT does. Tokens start uniform in ±√(6 / (P + width)) (Xavier), from the seed.
/// </summary>
internal static class PromptInjector
{
    public static PromptTokens Apply(GraphProto graph, PromptOptions options, IReadOnlyList<TransformerBlock> blocks, string source)
    {
        if (blocks.Count == 0)
        {
            throw new TuningSpecException(TuningSpec.ForPrompt(options).ToString(), $"prompt tuning needs a transformer's token sequence, and {source} has none " +
                "that this can find (no pre-norm blocks: LayerNormalization → attention with Softmax → residual Add, then LayerNormalization → MLP → residual Add)");
        }
        var g = GraphBuilder.Wrap(graph);
        var random = new Random(options.Seed);
        var tensors = new List<string>();
        var width = blocks[0].Width;
        var joined = new List<string>();
        var spans = options.Deep ? blocks.Select(b => (First: b, Last: b)).ToList() : [(First: blocks[0], Last: blocks[^1])];
        foreach (var (first, last) in spans)
        {
            var name = options.Deep ? $"prompt.{first.Index}" : "prompt";
            var bound = Math.Sqrt(6.0 / (options.Tokens + width));
            var data = new float[options.Tokens * width];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            }
            var tokens = g.Initializer(name + ".tokens", data, 1, options.Tokens, width);
            tensors.Add(tokens);
            joined.Add(Append(g, first, tokens, options.Tokens, width, name));
            Drop(g, last, options.Tokens, name);
        }
        GraphRewrites.SortTopologically(graph);
        ForgetDeclaredShapesAfter(graph, joined);
        return new PromptTokens(options.Tokens, options.Deep, width, tensors);
    }

    /// <summary>The block reads Concat(input, prompts expanded to the batch) instead of its input.</summary>
    private static string Append(GraphBuilder g, TransformerBlock block, string tokens, int count, long width, string name)
    {
        var input = block.AttentionAdd.Input[1 - block.AttentionBranch];
        var readers = new GraphView(g.Graph).Consumers(input).Select(u => u.Node).ToList();
        var batch = g.Node("Slice", [g.Node("Shape", [input], name: name + ".input_shape"), g.Constant([0L]), g.Constant([1L])], name: name + ".batch");
        var shape = g.Node("Concat", [batch, g.Constant([count, width])], new Dictionary<string, object> { ["axis"] = 0L }, name + ".shape");
        var expanded = g.Node("Expand", [tokens, shape], name: name + ".expanded");
        var joined = g.Node("Concat", [input, expanded], new Dictionary<string, object> { ["axis"] = 1L }, name + ".joined");
        foreach (var node in readers)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == input)
                {
                    node.Input[i] = joined;
                }
            }
        }
        return joined;
    }

    /// <summary>
    /// Drops the value_info of everything computed from the prompted sequences: an exporter's declared shapes there
    /// count the tokens without the prompts (they are hints; shape inference recomputes them).
    /// </summary>
    private static void ForgetDeclaredShapesAfter(GraphProto graph, IEnumerable<string> values)
    {
        var reached = values.ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.Input.Any(reached.Contains)))
        {
            reached.UnionWith(node.Output);
        }
        for (var i = graph.ValueInfo.Count - 1; i >= 0; i--)
        {
            if (reached.Contains(graph.ValueInfo[i].Name))
            {
                graph.ValueInfo.RemoveAt(i);
            }
        }
    }

    /// <summary>What read the block's output reads it without the last <paramref name="count"/> tokens.</summary>
    private static void Drop(GraphBuilder g, TransformerBlock block, int count, string name)
    {
        var output = block.Output;
        if (g.Graph.Output.Any(o => o.Name == output))
        {
            throw new TuningSpecException("prompt", $"the last block's output '{output}' is a graph output; prompts cannot be dropped before it");
        }
        var readers = new GraphView(g.Graph).Consumers(output).Select(u => u.Node).ToList();
        var kept = g.Node("Slice", [output, g.Constant([0L]), g.Constant([-(long)count]), g.Constant([1L])], name: name + ".dropped");
        foreach (var node in readers)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == output)
                {
                    node.Input[i] = kept;
                }
            }
        }
    }
}
