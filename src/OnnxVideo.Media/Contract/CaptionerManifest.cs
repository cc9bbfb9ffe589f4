using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnnxVideo.Media;

/// <summary>
/// captioner.json of a captioner folder (written by captioner export, read by the runtime's VideoCaptioner): the
/// preprocessing contract of the clips, the token ids and decoder shape, and the file names of the encoder,
/// decoder, decoder-memory, decoder-step graphs and the tokenizer, all inside the folder.
/// </summary>
internal sealed record CaptionerManifest
{
    public const string FileName = "captioner.json";
    public const string CurrentFormat = "onnxvideo.captioner/1";
    public const long MaxBytes = 1L << 20;

    public string Format { get; init; } = CurrentFormat;
    public required PreprocessingContract Contract { get; init; }
    public int VocabularySize { get; init; }
    /// <summary>Most caption tokens without BOS/EOS.</summary>
    public int MaxLength { get; init; }
    public int Pad { get; init; }
    public int Bos { get; init; } = 1;
    public int Eos { get; init; } = 2;
    public int Layers { get; init; }
    public int Heads { get; init; }
    public int HeadDim { get; init; }
    public int ModelDim { get; init; }
    /// <summary>Encoder tokens per clip (the memory length).</summary>
    public int MemoryTokens { get; init; }
    public string EncoderFile { get; init; } = "encoder.onnx";
    public string DecoderFile { get; init; } = "decoder.onnx";
    public string DecoderMemoryFile { get; init; } = "decoder_memory.onnx";
    public string DecoderStepFile { get; init; } = "decoder_step.onnx";
    public string TokenizerFile { get; init; } = "tokenizer.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and checks a manifest; <paramref name="source"/> (its path) names it in errors.</summary>
    public static CaptionerManifest FromJson(string json, string source)
    {
        CaptionerManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CaptionerManifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(source, $"not a valid captioner manifest: {e.Message}");
        }
        if (manifest is null)
        {
            throw new InvalidInputException(source, "empty captioner manifest");
        }
        if (manifest.Problem() is { } problem)
        {
            throw new InvalidInputException(source, problem);
        }
        manifest.Contract.Validate(source);
        return manifest;
    }

    private string? Problem()
    {
        if (Format != CurrentFormat)
        {
            return $"format '{Format}' is not '{CurrentFormat}'";
        }
        int[] specials = [Pad, Bos, Eos];
        if (VocabularySize < 3 || specials.Any(t => t < 0 || t >= VocabularySize) || specials.Distinct().Count() != 3)
        {
            return "vocabularySize must be >= 3 and pad, bos, eos three different ids inside it";
        }
        if (MaxLength is < 1 or > 4096 || Layers is < 1 or > 256 || Heads < 1 || HeadDim < 1 || ModelDim != Heads * HeadDim || MemoryTokens < 1)
        {
            return "maxLength (1..4096), layers (1..256), heads, headDim and memoryTokens must be positive and modelDim = heads × headDim";
        }
        string?[] files = [EncoderFile, DecoderFile, DecoderMemoryFile, DecoderStepFile, TokenizerFile];
        if (Contract is null || files.Any(f => string.IsNullOrEmpty(f) || Path.GetFileName(f) != f || f is "." or ".."))
        {
            return "contract and the file names (plain names inside the folder) are required";
        }
        return null;
    }
}
