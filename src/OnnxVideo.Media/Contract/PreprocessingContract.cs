using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnnxVideo.Media;

/// <summary>
/// How a video becomes the model's input tensor, and what the outputs mean. Stored in the ONNX model's
/// metadata_props under <see cref="MetadataKey"/> and in a training package's manifest, and used identically by
/// training, evaluation and inference.
/// </summary>
public sealed record PreprocessingContract
{
    public const string MetadataKey = "onnxvideo.contract";
    /// <summary>Sanity bounds, checked before anything is allocated from a contract.</summary>
    public const int MaxFrames = 1024;
    public const int MaxStride = 1024;
    public const int MaxTestClips = 100;
    public const int MaxSide = 8192;
    /// <summary>Values (3 × T × S × S) of one clip view: 256 Mi floats, 1 GiB.</summary>
    public const long MaxClipValues = 1L << 28;

    /// <summary>Frames per clip (T).</summary>
    public int Frames { get; init; } = 8;
    public SamplingMode Sampling { get; init; } = SamplingMode.UniformSegments;
    /// <summary>Frame step for <see cref="SamplingMode.Dense"/> sampling.</summary>
    public int Stride { get; init; } = 2;
    /// <summary>Clips per video at test time, averaged.</summary>
    public int TestClips { get; init; } = 1;
    /// <summary>Spatial crops per clip at test time (1 = centre, 3 = three-crop), averaged.</summary>
    public int TestCrops { get; init; } = 1;
    /// <summary>Short side of the frame after resizing, before cropping.</summary>
    public int ResizeShortSide { get; init; } = 128;
    /// <summary>Side of the square crop fed to the model.</summary>
    public int CropSize { get; init; } = 112;
    /// <summary>Per-channel mean, on the 0..1 scale, in model channel order.</summary>
    public float[] Mean { get; init; } = [0.43216f, 0.394666f, 0.37645f];
    /// <summary>Per-channel standard deviation, on the 0..1 scale, in model channel order.</summary>
    public float[] Std { get; init; } = [0.22803f, 0.22145f, 0.216989f];
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;
    public TensorLayout Layout { get; init; } = TensorLayout.NCTHW;
    /// <summary>Class labels, index i naming logit i.</summary>
    public string[] Labels { get; init; } = [];
    /// <summary>
    /// The labels are placeholders made from a class count (<c>class_0</c> …), not names anyone chose: training takes
    /// the dataset's class names instead (the count must match), and the trained model carries those. Omitted from
    /// the JSON when false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool PlaceholderLabels { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates a contract; <paramref name="source"/> names where it came from in errors.</summary>
    public static PreprocessingContract FromJson(string json, string source = "contract")
    {
        PreprocessingContract? contract;
        try
        {
            contract = JsonSerializer.Deserialize<PreprocessingContract>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidContractException(source, $"not valid contract JSON: {e.Message}");
        }
        if (contract is null)
        {
            throw new InvalidContractException(source, "empty contract");
        }
        contract.Validate(source);
        return contract;
    }

    /// <summary>Throws <see cref="InvalidContractException"/> when a field is out of range.</summary>
    public void Validate(string source = "contract")
    {
        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new InvalidContractException(source, what);
            }
        }
        Require(Frames is >= 1 and <= MaxFrames, $"frames must be in 1..{MaxFrames} (got {Frames})");
        Require(Stride is >= 1 and <= MaxStride, $"stride must be in 1..{MaxStride} (got {Stride})");
        Require(TestClips is >= 1 and <= MaxTestClips, $"testClips must be in 1..{MaxTestClips} (got {TestClips})");
        Require(TestCrops is 1 or 3, $"testCrops must be 1 or 3 (got {TestCrops})");
        Require(CropSize is >= 1 and <= MaxSide, $"cropSize must be in 1..{MaxSide} (got {CropSize})");
        Require(ResizeShortSide >= CropSize && ResizeShortSide <= MaxSide,
            $"resizeShortSide ({ResizeShortSide}) must be >= cropSize ({CropSize}) and <= {MaxSide}");
        Require(3L * Frames * CropSize * CropSize <= MaxClipValues,
            $"a clip of {Frames} frames of {CropSize}x{CropSize} needs {3L * Frames * CropSize * CropSize} values, above the limit of {MaxClipValues}");
        Require(Enum.IsDefined(Sampling) && Enum.IsDefined(ChannelOrder) && Enum.IsDefined(Layout), "sampling, channelOrder or layout has an unknown value");
        Require(Mean is { Length: 3 } && Std is { Length: 3 }, "mean and std need 3 values each");
        Require(Mean!.All(float.IsFinite), "mean values must be finite numbers");
        Require(Std!.All(s => s > 0 && float.IsFinite(s)), "std values must be positive");
        Require(Labels is not null && Labels.All(l => l is not null), "labels must be a list of strings");
        Require(Labels!.Distinct().Count() == Labels!.Length, "labels must be unique");
    }
}
