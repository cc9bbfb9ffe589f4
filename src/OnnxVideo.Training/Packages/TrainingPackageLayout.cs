using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Media;

namespace OnnxVideo.Training.Packages;

/// <summary>
/// What <see cref="Sessions.TrainingSession"/> needs from a training package: graph and tensor file paths, graph names,
/// the trainable parameters and the contract. The package format itself (manifest, validation, writer) belongs to
/// OnnxVideo.Packaging; <see cref="PackageLayouts.Load"/> maps a loaded, validated package to this record.
/// </summary>
public sealed record TrainingPackageLayout
{
    /// <summary>The package folder.</summary>
    public required string Directory { get; init; }
    /// <summary>Identifies the package (e.g. the SHA-256 of its manifest); checkpoints record it and refuse another package's weights.</summary>
    public required string PackageId { get; init; }
    public required string TrainStepPath { get; init; }
    public required string EvalPath { get; init; }
    public required string GradientsPath { get; init; }
    public required string OptimizerPath { get; init; }
    /// <summary>The input-gradient graph (d loss / d video, for adversarial training); null when the package has none.</summary>
    public string? InputGradientPath { get; init; }
    public required string TrainablePath { get; init; }
    public required string OptimizerStatePath { get; init; }
    /// <summary>Frozen weights (safetensors) shared by all graphs; null when the package has none.</summary>
    public string? FrozenPath { get; init; }
    public required TrainingGraphNames Names { get; init; }
    public required IReadOnlyList<TrainableParameter> Parameters { get; init; }
    /// <summary>The graphs keep the optimizer state as it was on a non-finite step, so it can live in one buffer.</summary>
    public bool OptimizerStateGuarded { get; init; }
    /// <summary>Running statistics updated by each training step; stored with the parameters (trainable file, checkpoints).</summary>
    public IReadOnlyList<RunningStatistic> Buffers { get; init; } = [];
    public PreprocessingContract? Contract { get; init; }
    public required int ClassCount { get; init; }
    /// <summary>Label smoothing compiled into the loss.</summary>
    public float LabelSmoothing { get; init; }
    /// <summary>Optimizer compiled into the graphs and its weight decay, for reporting and checks.</summary>
    public required OptimizerKind Optimizer { get; init; }
    public float WeightDecay { get; init; }
    public float DefaultLearningRate { get; init; } = 1e-3f;
    /// <summary>The tuning strategy; with <see cref="TuningKind.Head"/> only the classifier is trained.</summary>
    public required TuningKind Tuning { get; init; }
    /// <summary>Initializer name of the classifier weight (where backbone features enter the head).</summary>
    public string? HeadWeight { get; init; }
    /// <summary>
    /// With knowledge distillation compiled in (<c>onnxvideo-export package --distill</c>): the number of old classes
    /// whose teacher logits each training step takes (<see cref="TrainingGraphNames.TeacherLogits"/>); null otherwise.
    /// </summary>
    public int? DistillationClasses { get; init; }
    internal IInferenceModelExporter? Exporter { get; init; }
    /// <summary>Caption packages: special tokens and maximum caption length; null for classifiers.</summary>
    internal Loading.CaptionTokens? Captions { get; init; }
    /// <summary>Caption packages: the package's tokenizer.json.</summary>
    internal string? TokenizerPath { get; init; }
    /// <summary>Whether the package trains a captioner (token inputs, [N, L, vocabulary] logits) rather than a classifier.</summary>
    public bool IsCaptioner => Captions is not null;
}
