using OnnxVideo.Onnx;
using static OnnxVideo.Models.Zoo.TransformerOps;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// The text decoder of <see cref="VideoCaption"/>, one builder for the training graph, decoder.onnx and
/// decoder_step.onnx: token embedding + learned positions, then pre-norm layers of causal self-attention,
/// cross-attention to the memory (the normalised encoder tokens) and a GELU MLP, a final LayerNorm and the output
/// projection (Gemm, so the package compiler finds it as the head). Key projections have no bias (as Whisper's): it
/// adds the same score to every key of a query, so its gradient is zero and Adam would only amplify rounding noise. The full form masks future positions with an
/// additive −1e9 mask built from Range/Greater/Where; the step form attends to the past keys and values instead, and
/// to the memory's cross-attention keys and values computed once per clip (decoder_memory.onnx).
/// </summary>
internal sealed class CaptionDecoder(VideoCaptionConfig config)
{
    private const float MaskedScore = -1e9f;

    /// <summary>One layer's self-attention keys and values: past inputs [N, H, P, Dh] and present outputs [N, H, P+1, Dh].</summary>
    public sealed record LayerCache(string PastKey, string PastValue)
    {
        public string? PresentKey { get; set; }
        public string? PresentValue { get; set; }
    }

    /// <summary>Teacher-forced logits [N, L, V] for <paramref name="tokens"/> int64 [N, L]; the output is named <paramref name="logitsName"/>.</summary>
    public string Logits(ZooGraph g, string memory, long memoryTokens, string tokens, string logitsName)
    {
        var b = g.Builder;
        var length = b.Node("Gather", [b.Node("Shape", [tokens], name: "decoder.tokens_shape"), Int64Scalar(b, "decoder.length_index", 1)], name: "decoder.length");
        var positions = b.Node("Range", [Int64Scalar(b, "decoder.range_start", 0), length, Int64Scalar(b, "decoder.range_delta", 1)], name: "decoder.positions");
        var embedded = Embed(g, tokens, positions);
        var rows = b.Node("Unsqueeze", [positions, b.Constant([1])], name: "decoder.mask_rows");
        var columns = b.Node("Unsqueeze", [positions, b.Constant([0])], name: "decoder.mask_columns");
        var future = b.Node("Greater", [columns, rows], name: "decoder.mask_future");
        var mask = b.Node("Where", [future, b.Constant(MaskedScore), b.Constant(0f)], name: "decoder.causal_mask");
        var x = embedded;
        for (var i = 0; i < config.Layers; i++)
        {
            x = Layer(g, x, CrossKeyValue(g, memory, memoryTokens, i), i, mask, cache: null);
        }
        var logits = Head(g, x, "decoder.logits_flat");
        var shape = b.Node("Concat", [b.Node("Shape", [tokens], name: "decoder.logits_batch_length"), b.Constant([config.VocabularySize])], Axis(0), "decoder.logits_shape");
        return b.Node("Reshape", [logits, shape], name: logitsName);
    }

    /// <summary>
    /// One decoding step: logits [N, V] (named <paramref name="logitsName"/>) for <paramref name="token"/> int64 [N, 1] at
    /// <paramref name="position"/> int64 [1], attending to each layer's cross-attention keys and values of the memory
    /// (<see cref="CrossKeyValue"/>, computed once per clip) and reading and extending each layer's <paramref name="caches"/>.
    /// </summary>
    public string Step(ZooGraph g, IReadOnlyList<(string Key, string Value)> memoryKeysValues, string token, string position, IReadOnlyList<LayerCache> caches, string logitsName)
    {
        var x = Embed(g, token, position);
        for (var i = 0; i < config.Layers; i++)
        {
            x = Layer(g, x, memoryKeysValues[i], i, mask: null, caches[i]);
        }
        return Head(g, x, logitsName);
    }

    private string Embed(ZooGraph g, string tokens, string positions)
    {
        var b = g.Builder;
        var table = g.Parameter(CaptionNames.TokenEmbedding, [config.VocabularySize, config.Width], WeightInit);
        var positionTable = g.Parameter(CaptionNames.PositionEmbedding, [config.Positions, config.Width], WeightInit);
        var embedded = b.Node("Gather", [table, tokens], Axis(0), "decoder.embed_tokens");
        var placed = b.Node("Gather", [positionTable, positions], Axis(0), "decoder.embed_positions");
        return b.Node("Add", [embedded, placed], name: "decoder.embedded");
    }

    /// <summary>Layer <paramref name="index"/>'s cross-attention keys and values of the memory [N, S, D], each [N, H, S, Dh].</summary>
    public (string Key, string Value) CrossKeyValue(ZooGraph g, string memory, long memoryTokens, int index)
    {
        var b = g.Builder;
        var c = CaptionNames.Layer(index) + "encoder_attn.";
        var n = $"decoder.layer{index}.";
        long d = config.Width, dh = config.HeadWidth, heads = config.Heads;
        var key = SplitHeads(b, Project(g, memory, c + "k_proj.weight", null, d, d, memoryTokens, n + "cross_k"), heads, dh, Perm(0, 2, 1, 3), n + "cross_k_heads");
        var value = SplitHeads(b, Linear(g, memory, c + "v_proj", d, d, memoryTokens, n + "cross_v"), heads, dh, Perm(0, 2, 1, 3), n + "cross_v_heads");
        g.AddMultiplyAccumulates(2 * config.Positions * memoryTokens * d);
        return (key, value);
    }

    private string Layer(ZooGraph g, string x, (string Key, string Value) cross, int index, string? mask, LayerCache? cache)
    {
        var b = g.Builder;
        var p = CaptionNames.Layer(index);
        var n = $"decoder.layer{index}.";
        long d = config.Width, dh = config.HeadWidth, heads = config.Heads, length = config.Positions;

        var h = LayerNorm(g, x, p + "self_attn_layer_norm", d, config.LayerNormEpsilon, n + "norm1");
        var s = p + "self_attn.";
        var q = SplitHeads(b, Linear(g, h, s + "q_proj", d, d, length, n + "q"), heads, dh, Perm(0, 2, 1, 3), n + "q_heads");
        var k = SplitHeads(b, Project(g, h, s + "k_proj.weight", null, d, d, length, n + "k"), heads, dh, Perm(0, 2, 1, 3), n + "k_heads");
        var v = SplitHeads(b, Linear(g, h, s + "v_proj", d, d, length, n + "v"), heads, dh, Perm(0, 2, 1, 3), n + "v_heads");
        if (cache is not null)
        {
            k = b.Node("Concat", [cache.PastKey, k], Axis(2), n + "present_key");
            v = b.Node("Concat", [cache.PastValue, v], Axis(2), n + "present_value");
            (cache.PresentKey, cache.PresentValue) = (k, v);
        }
        var kT = b.Node("Transpose", [k], Perm(0, 1, 3, 2), n + "k_t");
        var context = Attend(b, q, kT, v, dh, mask, n + "self_");
        g.AddMultiplyAccumulates(2 * length * length * d);
        x = b.Node("Add", [x, Linear(g, MergeHeads(b, context, d, n + "self_context"), s + "out_proj", d, d, length, n + "self_out")], name: CaptionNames.ResidualNode(index, 1));

        var h2 = LayerNorm(g, x, p + "encoder_attn_layer_norm", d, config.LayerNormEpsilon, n + "norm2");
        var c = p + "encoder_attn.";
        var cq = SplitHeads(b, Linear(g, h2, c + "q_proj", d, d, length, n + "cross_q"), heads, dh, Perm(0, 2, 1, 3), n + "cross_q_heads");
        var ckT = b.Node("Transpose", [cross.Key], Perm(0, 1, 3, 2), n + "cross_k_t");
        var crossContext = Attend(b, cq, ckT, cross.Value, dh, null, n + "cross_");
        x = b.Node("Add", [x, Linear(g, MergeHeads(b, crossContext, d, n + "cross_context"), c + "out_proj", d, d, length, n + "cross_out")], name: CaptionNames.ResidualNode(index, 2));

        var h3 = LayerNorm(g, x, p + "final_layer_norm", d, config.LayerNormEpsilon, n + "norm3");
        var m = config.EffectiveMlpWidth;
        var hidden = Gelu(b, Linear(g, h3, p + "fc1", d, m, length, n + "mlp_in"), n + "gelu");
        return b.Node("Add", [x, Linear(g, hidden, p + "fc2", m, d, length, n + "mlp_out")], name: CaptionNames.ResidualNode(index, 3));
    }

    /// <summary>Final LayerNorm, then logits [N·L, V] = h·Wᵀ + bias as one Gemm (W is the token embedding when tied).</summary>
    private string Head(ZooGraph g, string x, string name)
    {
        var b = g.Builder;
        long d = config.Width, vocabulary = config.VocabularySize;
        var h = LayerNorm(g, x, CaptionNames.FinalNorm, d, config.LayerNormEpsilon, "decoder.final_norm");
        var flat = b.Node("Reshape", [h, b.Constant([-1, d])], name: "decoder.flat");
        var weight = config.TieEmbeddings ? CaptionNames.TokenEmbedding : g.Parameter(CaptionNames.OutputWeight, [vocabulary, d], WeightInit);
        var bias = g.Parameter(CaptionNames.OutputBias, [vocabulary], ParameterInit.Zeros);
        g.AddMultiplyAccumulates(config.Positions * d * vocabulary);
        return b.Node("Gemm", [flat, weight, bias], new Dictionary<string, object> { ["transB"] = 1L }, name);
    }

    private static string Int64Scalar(GraphBuilder b, string name, long value) => b.Initializer(name, [value]);
}
