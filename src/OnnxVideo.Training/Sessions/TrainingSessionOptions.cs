using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

public sealed record TrainingSessionOptions
{
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;
    /// <summary>GPU ordinal for cuda/tensorrt; it replaces the DeviceId of <see cref="Cuda"/> and <see cref="TensorRt"/>.</summary>
    public int DeviceId { get; init; }
    /// <summary>
    /// CUDA provider settings (cuDNN algorithm search, arena limit). CUDA graphs are refused: each step binds a new
    /// host batch, so input addresses change between runs, which captured graphs cannot follow.
    /// </summary>
    public CudaProviderOptions Cuda { get; init; } = new();
    /// <summary>TensorRT provider settings (fp16, workspace, engine and timing caches, shape profiles).</summary>
    public TensorRtProviderOptions TensorRt { get; init; } = new();
    /// <summary>ORT intra-op threads; 0 = one per core. Fixed counts with sequential execution make CPU runs repeatable.</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Global gradient-norm clipping threshold fed to the graphs (0 = off).</summary>
    public float ClipNorm { get; init; }
    public float LearningRate { get; init; } = 1e-3f;
    /// <summary>Run seed from which each step's dropout masks are derived (with the step and micro-batch numbers).</summary>
    public int DropoutSeed { get; init; }
    /// <summary>
    /// Keep an exponential moving average of the weights with this decay (in (0, 1), e.g. 0.999), updated after every
    /// optimizer step; evaluation, checkpoints' best model and export then use the averaged weights. Null = off.
    /// </summary>
    public double? EmaDecay { get; init; }

    /// <summary>
    /// Writes ORT's own profile of the train-step session (Chrome trace JSON: every node's kernel time and shapes) to
    /// PREFIX_&lt;date&gt;.json when the session is disposed. Null = off.
    /// </summary>
    public string? ProfileFilePrefix { get; init; }

    /// <summary>ORT's memory pattern in the sessions of the graphs (off: issue 17's measurements; on for A/B only).</summary>
    internal bool MemoryPattern { get; init; }

    /// <summary>On the CPU provider, the convolutions with run-time weights on ORT's NCHWc kernels (<see cref="CpuTrainingGraphs"/>; off for A/B and tests).</summary>
    internal bool NchwcConvolutions { get; init; } = true;

    /// <summary>Test seam: keep weights in managed arrays (the path before device residency) to compare results with.</summary>
    internal bool HostParameterMemory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for settings a training session cannot use (also checked on open).</summary>
    public void Validate()
    {
        if (DeviceId < 0)
        {
            throw new ArgumentException($"TrainingSessionOptions: DeviceId must be >= 0 (got {DeviceId})");
        }
        if (Cuda.EnableCudaGraph)
        {
            throw new ArgumentException("TrainingSessionOptions: CUDA graphs cannot be used for training: a captured graph replays "
                + "fixed device addresses and shapes, but each step binds a new batch (and the double-buffered weights alternate "
                + "between two sets of buffers); leave Cuda.EnableCudaGraph off");
        }
        if (EmaDecay is { } decay && !(decay is > 0 and < 1))
        {
            throw new ArgumentException($"TrainingSessionOptions: the EMA decay must be in (0, 1) (got {decay.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }
        Cuda.Validate();
        TensorRt.Validate();
    }
}
