namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Parameter and graph value names of <see cref="VideoCaption"/> models. The encoder keeps <see cref="VideoVitNames"/>
/// or a CNN's torchvision names (so a classifier's encoder loads unchanged); decoder names follow BART's state dict.
/// </summary>
internal static class CaptionNames
{
    /// <summary>Every decoder parameter starts with this (<c>--tune pattern:^decoder\.</c> freezes the encoder).</summary>
    public const string DecoderPrefix = "decoder.";
    public const string TokenEmbedding = "decoder.embed_tokens.weight";
    public const string PositionEmbedding = "decoder.embed_positions.weight";
    /// <summary>LayerNorm of the encoder tokens before the decoder reads them (trained with the decoder).</summary>
    public const string MemoryNorm = "decoder.memory_norm";
    public const string FinalNorm = "decoder.layer_norm";
    /// <summary>Linear layer from a CNN encoder's channels to the decoder width (<see cref="CnnCaptionEncoder"/>).</summary>
    public const string MemoryProjection = "decoder.memory_proj";
    /// <summary>Learned positions [S, D] added to a CNN encoder's projected tokens.</summary>
    public const string MemoryPositions = "decoder.memory_positions.weight";
    public const string OutputWeight = "lm_head.weight";
    public const string OutputBias = "lm_head.bias";

    public const string Video = "video";
    public const string Tokens = "tokens";
    public const string Logits = "logits";
    public const string Memory = "memory";
    /// <summary>A CNN encoder's feature map as tokens [N, T'·H'·W', C], before the projection.</summary>
    public const string EncoderTokens = "encoder_tokens";
    public const string Token = "token";
    public const string Position = "position";

    public static string Layer(int index) => $"decoder.layers.{index}.";
    /// <summary>The residual Add node of decoder layer <paramref name="layer"/>: 1 after self-attention, 2 after cross-attention, 3 after the MLP (adapters attach there).</summary>
    public static string ResidualNode(int layer, int residual) => $"decoder.layer{layer}.residual{residual}";
    public static string MemoryKey(int layer) => $"memory_key_{layer}";
    public static string MemoryValue(int layer) => $"memory_value_{layer}";
    public static string PastKey(int layer) => $"past_key_{layer}";
    public static string PastValue(int layer) => $"past_value_{layer}";
    public static string PresentKey(int layer) => $"present_key_{layer}";
    public static string PresentValue(int layer) => $"present_value_{layer}";
}
