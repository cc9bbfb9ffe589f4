using System.Text.Json;
using System.Text.Json.Serialization;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Media;

namespace OnnxVideo.Packaging;

/// <summary>
/// manifest.json of a training package. It is written last, so its presence marks a complete package, and it lists
/// the SHA-256 of every other file.
/// </summary>
internal sealed record TrainingPackageManifest
{
    public const int CurrentFormatVersion = 2;
    public const string FileName = "manifest.json";
    /// <summary>Manifests are a few KB to a few MB; a larger one is refused before it is read.</summary>
    public const long MaxBytes = 16L << 20;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public string Producer { get; init; } = "onnxvideo-export";
    /// <summary>The preprocessing contract, or null when the model carried none and none was given.</summary>
    public PreprocessingContract? Contract { get; init; }
    public int ClassCount { get; init; }
    public required PackageTuningEntry Tuning { get; init; }
    /// <summary>Optimizer kind and hyper-parameters; LearningRate is the default value of the "lr" input.</summary>
    public required OptimizerSettings Optimizer { get; init; }
    /// <summary>
    /// The graphs leave every optimizer-state tensor exactly as it was when a step is not finite (gradient norm or
    /// loss), so a session may update the state in place in one buffer (issue 17); packages written before are false.
    /// </summary>
    public bool OptimizerStateGuarded { get; init; }
    /// <summary>Label smoothing of the cross-entropy loss in the train, gradients and eval graphs.</summary>
    public float LabelSmoothing { get; init; }
    /// <summary>Default for the clip_norm input (0 = no clipping).</summary>
    public float ClipNorm { get; init; }
    /// <summary>Layer-wise learning-rate decay compiled into the updates (null = none); see each parameter's LearningRateScale.</summary>
    public float? LayerDecay { get; init; }
    /// <summary>Knowledge distillation compiled into the training graphs' loss (null = none).</summary>
    public PackageDistillationEntry? Distillation { get; init; }
    /// <summary>Dropout sites of the training graphs, masked from the <see cref="PackageIoNames.DropoutSeed"/> input.</summary>
    public IReadOnlyList<PackageDropoutSite> Dropout { get; init; } = [];
    /// <summary>Opset of the compiled graphs.</summary>
    public long Opset { get; init; }
    public PackageIoNames Io { get; init; } = new();
    /// <summary>Captioning packages: vocabulary, decoder shape and inference graphs; null for classifiers.</summary>
    public PackageCaptionEntry? Caption { get; init; }
    public PackageGraphFiles Graphs { get; init; } = new();
    public IReadOnlyList<PackageParameterEntry> Parameters { get; init; } = [];
    /// <summary>Running statistics updated by training (stored in trainable.safetensors with the parameters).</summary>
    public IReadOnlyList<PackageBufferEntry> Buffers { get; init; } = [];
    /// <summary>How BatchNormalization was compiled.</summary>
    public BatchNormMode BatchNorm { get; init; }
    public IReadOnlyList<PackageTensorEntry> Frozen { get; init; } = [];
    public long TrainableParameterCount { get; init; }
    public long FrozenParameterCount { get; init; }
    public IReadOnlyList<PackageFileEntry> Files { get; init; } = [];

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static TrainingPackageManifest FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingPackageManifest>(json, JsonOptions)
                ?? throw new TrainingPackageException(source, "empty manifest");
        }
        catch (JsonException e)
        {
            throw new TrainingPackageException(source, $"not a valid manifest: {e.Message}");
        }
    }
}
