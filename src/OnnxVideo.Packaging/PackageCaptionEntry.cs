namespace OnnxVideo.Packaging;

/// <summary>
/// The manifest's <c>caption</c> entry of a captioning package (null for classifiers): token ids, decoder shape,
/// and the inference graphs (encoder, full decoder, decoder step with key/value cache) stored in the package with
/// the package's parameters as initializers under the same names.
/// </summary>
internal sealed record PackageCaptionEntry
{
    public int VocabularySize { get; init; }
    /// <summary>Most caption tokens without BOS/EOS; token sequences are at most MaxLength + 1 long.</summary>
    public int MaxLength { get; init; }
    public int Pad { get; init; }
    public int Bos { get; init; } = 1;
    public int Eos { get; init; } = 2;
    /// <summary>Decoder layers (one past/present key and value pair each in the step graph).</summary>
    public int Layers { get; init; }
    public int Heads { get; init; }
    public int ModelDim { get; init; }
    public int HeadDim { get; init; }
    /// <summary>Encoder tokens per clip (the memory length S).</summary>
    public int MemoryTokens { get; init; }
    public bool TiedEmbeddings { get; init; }
    /// <summary>The tokenizer saved with the package (tokenizer.json), or null when none was given.</summary>
    public string? TokenizerFile { get; init; }
    public string EncoderFile { get; init; } = "encoder.onnx";
    public string DecoderFile { get; init; } = "decoder.onnx";
    /// <summary>memory → each layer's cross-attention keys and values, computed once per clip for decoder_step.onnx.</summary>
    public string DecoderMemoryFile { get; init; } = "decoder_memory.onnx";
    public string DecoderStepFile { get; init; } = "decoder_step.onnx";
}
