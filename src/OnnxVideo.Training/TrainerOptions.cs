using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Schedules;

namespace OnnxVideo.Training;

/// <summary>Settings of a <see cref="Trainer"/> run.</summary>
public sealed record TrainerOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 8;
    /// <summary>Peak learning rate; null uses the package's default.</summary>
    public double? LearningRate { get; init; }
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    /// <summary>Warm-up length in optimizer steps.</summary>
    public int WarmupSteps { get; init; }
    public double MinLearningRate { get; init; }
    /// <summary>For <see cref="ScheduleKind.Step"/>: decay every this many epochs by <see cref="StepGamma"/>.</summary>
    public int StepEpochs { get; init; } = 10;
    public double StepGamma { get; init; } = 0.1;
    /// <summary>Clip the global gradient norm to this value (0 = off).</summary>
    public float ClipGradNorm { get; init; }
    /// <summary>Micro-batches per optimizer step (1 = the fused training graph).</summary>
    public int AccumulationSteps { get; init; } = 1;
    /// <summary>Stop after this many epochs without improvement of validation top-1 (0 = never).</summary>
    public int Patience { get; init; }
    public int Seed { get; init; }
    /// <summary>Clips decoded in parallel.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);
    /// <summary>Clips that may fail to decode before training stops.</summary>
    public int MaxFailedClips { get; init; } = 10;
    /// <summary>Save a checkpoint every this many optimizer steps as well as at each epoch end (0 = epoch ends only).</summary>
    public int CheckpointEverySteps { get; init; }
    /// <summary>Newest checkpoints kept besides the best one.</summary>
    public int KeepCheckpoints { get; init; } = 2;
    /// <summary>Continue from the newest valid checkpoint in the output folder.</summary>
    public bool Resume { get; init; }
    /// <summary>
    /// When the output folder holds an earlier run none of whose checkpoints verifies, remove it and start over
    /// instead of refusing with <see cref="Checkpoints.NoValidCheckpointException"/>.
    /// </summary>
    public bool StartFresh { get; init; }
    /// <summary>Consecutive steps with a non-finite loss or gradient norm after which training stops.</summary>
    public int MaxBadStepsInRow { get; init; } = 5;
    /// <summary>Share of each class moved to validation when no validation set is given.</summary>
    public double ValidationFraction { get; init; } = 0.2;
    /// <summary>Memory for caching decoded training clips when augmentation is deterministic.</summary>
    public long ClipCacheBytes { get; init; } = 512L << 20;
    /// <summary>Cache the frozen backbone's features after the first epoch when only the head trains and the clips do not change.</summary>
    public bool CacheBackboneFeatures { get; init; } = true;
    /// <summary>Mixup / CutMix of training batches (needs a package whose training graphs take soft targets); null = off.</summary>
    public MixSettings? Mix { get; init; }
    /// <summary>
    /// Keep an exponential moving average of the weights with this decay (in (0, 1)); validation, the best model and
    /// export use it. Null = off.
    /// </summary>
    public double? EmaDecay { get; init; }
    /// <summary>Adversarial training: each batch also trains on its adversarial clips under this attack (null = off).
    /// Needs a package compiled with its input-gradient graph; the backbone's features are then never cached.</summary>
    public Adversarial.AttackSpec? Adversarial { get; init; }
    /// <summary>
    /// Class-incremental training: an exemplar file of earlier tasks (a run's <c>exemplars.json</c>) whose clips are
    /// added to the training set, so batches mix them with the new classes' clips (rehearsal). Null = none.
    /// </summary>
    public string? RehearsalExemplars { get; init; }
    /// <summary>
    /// After training, store this many exemplars of all classes seen so far (shared evenly) in the run folder's
    /// <c>exemplars.json</c>, for the next task's <see cref="RehearsalExemplars"/>; also caps the exemplars rehearsed
    /// from <see cref="RehearsalExemplars"/> (shared evenly by their classes, 0 = no rehearsal). Null = none stored, all rehearsed.
    /// </summary>
    public int? Memory { get; init; }
    /// <summary>How <see cref="Memory"/> picks exemplars: herding on the trained model's features (iCaRL) or seeded at random.</summary>
    public ExemplarSelection MemorySelection { get; init; } = ExemplarSelection.Herding;
    /// <summary>
    /// The previous task's model (ONNX), whose logits on each batch feed the distillation term of a package compiled
    /// with <c>onnxvideo-export package --distill</c>; required by such packages. Null = none.
    /// </summary>
    public string? TeacherModel { get; init; }
    /// <summary>
    /// Wall-clock budget of one <see cref="Trainer.RunAsync"/>: after an epoch, the run finishes once past it or when
    /// another epoch as long as the last one would end past it (not judged by the first epoch, which decodes the
    /// clips); the best epoch is exported as usual. Null = no limit.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    public void Validate()
    {
        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"invalid training option: {what}");
            }
        }
        Require(Epochs >= 1, $"epochs must be >= 1 (got {Epochs})");
        Require(BatchSize >= 1, $"batch size must be >= 1 (got {BatchSize})");
        Require(LearningRate is null || (LearningRate > 0 && double.IsFinite(LearningRate.Value)), $"learning rate must be positive (got {LearningRate})");
        Require(WarmupSteps >= 0, $"warm-up must be >= 0 (got {WarmupSteps})");
        Require(ClipGradNorm >= 0 && float.IsFinite(ClipGradNorm), $"gradient clipping must be >= 0 (got {ClipGradNorm})");
        Require(AccumulationSteps >= 1, $"accumulation must be >= 1 (got {AccumulationSteps})");
        Require(Workers >= 1, $"workers must be >= 1 (got {Workers})");
        Require(Patience >= 0, $"patience must be >= 0 (got {Patience})");
        Require(MaxBadStepsInRow >= 1, $"bad-step limit must be >= 1 (got {MaxBadStepsInRow})");
        Require(ValidationFraction is > 0 and < 1, $"validation fraction must be between 0 and 1 (got {ValidationFraction})");
        Require(StepEpochs >= 1 && StepGamma > 0, "step schedule needs step epochs >= 1 and gamma > 0");
        Require(EmaDecay is null || EmaDecay is > 0 and < 1, $"EMA decay must be in (0, 1) (got {EmaDecay})");
        Require(Memory is null or >= 0, $"memory must be >= 0 exemplars (got {Memory})");
        Require(TimeLimit is null || TimeLimit > TimeSpan.Zero, $"time limit must be positive (got {TimeLimit})");
        Mix?.Validate();
    }
}
