using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Shape of a <see cref="VideoCaption"/> model: a <see cref="VideoVit"/> encoder (mean-pooling config, its tokens are
/// the memory) or a 3-D CNN's last feature map as tokens (<see cref="CnnEncoder"/>), and a pre-norm transformer decoder
/// of the encoder's width. Stored as JSON in the model's metadata under
/// <see cref="MetadataKey"/>, which is how the package compiler recognises a captioner and rebuilds its inference graphs.
/// </summary>
internal sealed record VideoCaptionConfig
{
    public const string MetadataKey = "onnxvideo.caption";
    public const int Pad = 0;
    public const int Bos = 1;
    public const int Eos = 2;
    /// <summary>Special tokens and the 256 byte tokens of the byte-level BPE tokenizer.</summary>
    public const int MinVocabularySize = 3 + 256;
    public const int MaxVocabularySize = 1 << 20;
    public const int MaxMaxLength = 4096;

    /// <summary>
    /// The video_vit encoder (null with <see cref="CnnEncoder"/>). Small defaults that train on two cores in minutes:
    /// 2 blocks of width 96, 4 heads, tubelets 4×4², 8 × 32².
    /// </summary>
    public VideoVitConfig? Encoder { get; init; } = new()
    {
        Depth = 2, Width = 96, Heads = 4, MlpWidth = 384, Patch = 4, Tubelet = 4, DefaultFrames = 8, DefaultSize = 32,
    };
    /// <summary>A 3-D CNN encoder instead of <see cref="Encoder"/> (which must then be null).</summary>
    public CaptionCnnEncoderConfig? CnnEncoder { get; init; }
    public int VocabularySize { get; init; } = 512;
    /// <summary>Most caption tokens (without BOS/EOS); the sequences the decoder sees are at most MaxLength + 1 long.</summary>
    public int MaxLength { get; init; } = 24;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    /// <summary>Hidden width of the decoder's MLP; 0 means 4 × width.</summary>
    public int MlpWidth { get; init; }
    /// <summary>The output projection reuses the token embedding (logits = h · Eᵀ + bias).</summary>
    public bool TieEmbeddings { get; init; }
    public float LayerNormEpsilon { get; init; } = 1e-5f;

    [JsonIgnore] public int Width => CnnEncoder?.Width ?? Encoder?.Width ?? 0;
    [JsonIgnore] public int HeadWidth => Width / Heads;
    [JsonIgnore] public int EffectiveMlpWidth => MlpWidth > 0 ? MlpWidth : 4 * Width;
    /// <summary>Rows of the position table: BOS + MaxLength tokens.</summary>
    [JsonIgnore] public int Positions => MaxLength + 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that does not fit.</summary>
    public void Validate()
    {
        Require((Encoder is null) != (CnnEncoder is null), "give one encoder: a video_vit (encoder) or a 3-D CNN (cnnEncoder)");
        if (Encoder is not null)
        {
            Encoder.Validate();
            Require(Encoder.Pooling == VideoVitPooling.Mean, "the encoder must use mean pooling (no [CLS] token)");
        }
        if (CnnEncoder is not null)
        {
            CnnEncoder.Resolve();
            Require(CnnEncoder.Width >= 1, $"the CNN encoder's projection width must be >= 1 (got {CnnEncoder.Width})");
        }
        Require(VocabularySize is >= MinVocabularySize and <= MaxVocabularySize,
            $"vocabulary size must be in [{MinVocabularySize}, {MaxVocabularySize}] (3 special tokens + 256 bytes + merges; got {VocabularySize})");
        Require(MaxLength is >= 1 and <= MaxMaxLength, $"max length must be in [1, {MaxMaxLength}] (got {MaxLength})");
        Require(Layers >= 1, $"decoder layers must be >= 1 (got {Layers})");
        Require(Heads >= 1 && Width % Heads == 0, $"decoder heads must divide the width {Width} (got {Heads})");
        Require(MlpWidth >= 0, $"decoder MLP width must be >= 0 (got {MlpWidth})");
        Require(LayerNormEpsilon > 0, "LayerNorm epsilon must be positive");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static VideoCaptionConfig FromJson(string json, string source)
    {
        VideoCaptionConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<VideoCaptionConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(source, $"the captioner configuration ({MetadataKey}) is not valid JSON: {e.Message}");
        }
        if (config is null)
        {
            throw new InvalidInputException(source, $"the captioner configuration ({MetadataKey}) is empty");
        }
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException(source, e.Message);
        }
        return config;
    }

    private static void Require(bool ok, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"video_caption: {what}");
        }
    }
}
