using OnnxVideo.Media;
using OnnxVideo.Ort;

namespace OnnxVideo.Runtime;

/// <summary>
/// Settings of a <see cref="VideoClassifier"/>. A plain options class with settable properties, so it binds from
/// configuration and works with <c>IOptions&lt;VideoClassifierOptions&gt;</c>.
/// </summary>
public sealed class VideoClassifierOptions
{
    /// <summary>Path of the model.onnx to load.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>Preprocessing contract to use instead of (or when missing from) the model's metadata.</summary>
    public PreprocessingContract? Contract { get; set; }

    /// <summary>cpu, cuda, tensorrt or auto (the best available, falling back to CPU).</summary>
    public ExecutionProvider Device { get; set; } = ExecutionProvider.Cpu;

    /// <summary>GPU ordinal for cuda/tensorrt; it replaces the DeviceId of <see cref="Cuda"/> and <see cref="TensorRt"/>.</summary>
    public int DeviceId { get; set; }

    /// <summary>
    /// CUDA provider settings: cuDNN algorithm search, arena limit. <see cref="CudaProviderOptions.EnableCudaGraph"/> is
    /// refused: batches are staged in host memory and partial batches run at smaller sizes, while a captured CUDA graph
    /// needs device-resident inputs and outputs at fixed addresses with one fixed shape.
    /// </summary>
    public CudaProviderOptions Cuda { get; set; } = new();

    /// <summary>
    /// TensorRT provider settings: fp16, workspace, engine and timing caches. For a model with a dynamic batch and no
    /// <see cref="TensorRtProviderOptions.BatchProfile"/> of its own, a profile from <see cref="TensorRtMinBatch"/> to
    /// <see cref="MaxBatchSize"/> (tuned for <see cref="TensorRtOptBatch"/>) is added, so TensorRT builds its engine once.
    /// </summary>
    public TensorRtProviderOptions TensorRt { get; set; } = new();

    /// <summary>Smallest batch of the TensorRT profile.</summary>
    public int TensorRtMinBatch { get; set; } = 1;

    /// <summary>Batch the TensorRT profile is tuned for; null = <see cref="MaxBatchSize"/>.</summary>
    public int? TensorRtOptBatch { get; set; }

    /// <summary>Largest number of clips run in one ONNX Runtime call. A model with a fixed batch dimension caps it.</summary>
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>How long the batcher waits for more clips before running a partial batch.</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Videos decoded at once (each decode is one ffmpeg process). 0 = processor count.</summary>
    public int DecodeWorkers { get; set; }

    /// <summary>ONNX Runtime intra-op threads. 0 = ONNX Runtime's default (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Labels returned in <see cref="ClassificationResult.Top"/>.</summary>
    public int TopK { get; set; } = 5;

    /// <summary>Clips per video averaged at test time; null = the contract's TestClips.</summary>
    public int? Clips { get; set; }

    /// <summary>Spatial crops per clip (1 or 3) averaged at test time; null = the contract's TestCrops.</summary>
    public int? Crops { get; set; }

    /// <summary>Repeat the last frame when a video is shorter than a clip, or when a stream ends before the frame count
    /// its container declares (a truncated file), and say so in <see cref="ClassificationResult.Warnings"/>; when false
    /// (the CLI's <c>--no-pad</c>) such videos fail (TooShort / Unreadable). <see cref="MediaOptions.PadMissingFrames"/>
    /// = false has the same effect.</summary>
    public bool PadShortVideos { get; set; } = true;

    /// <summary>Deadline per item, from when its work starts; null = none beyond the decoder's own limits.</summary>
    public TimeSpan? ItemTimeout { get; set; }

    /// <summary>Sliding-window length; when set, files are classified window by window and results carry a timeline.</summary>
    public TimeSpan? Window { get; set; }

    /// <summary>Step between window starts; null = the window length (no overlap).</summary>
    public TimeSpan? WindowStride { get; set; }

    /// <summary>
    /// On the CPU provider, run the model's 3-D convolutions as 2-D ones over reshaped tensors, which reach ONNX Runtime's
    /// faster 2-D kernels (r3d_18 and mc3_18 inference in 0.75–0.90× the time). The model is rewritten in memory at load;
    /// the file is not changed. Models with external weight files load as they are.
    /// </summary>
    public bool LowerConvolutions { get; set; } = true;

    /// <summary>Run one batch at load so the first request does not pay for ONNX Runtime's lazy initialisation.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>Decoding and safety settings for ffmpeg/ffprobe.</summary>
    public MediaOptions Media { get; set; } = MediaOptions.Default;

    internal int EffectiveDecodeWorkers => DecodeWorkers > 0 ? DecodeWorkers : Environment.ProcessorCount;

    internal void Validate()
    {
        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"VideoClassifierOptions: {what}");
            }
        }
        Require(!string.IsNullOrWhiteSpace(ModelPath), "ModelPath is required");
        Require(MaxBatchSize >= 1, $"MaxBatchSize must be >= 1 (got {MaxBatchSize})");
        Require(MaxBatchDelay >= TimeSpan.Zero, "MaxBatchDelay must not be negative");
        Require(DecodeWorkers >= 0, "DecodeWorkers must be >= 0");
        Require(IntraOpThreads >= 0, "IntraOpThreads must be >= 0");
        Require(TopK >= 1, $"TopK must be >= 1 (got {TopK})");
        Require(Clips is null or >= 1, $"Clips must be >= 1 (got {Clips})");
        Require(Crops is null or 1 or 3, $"Crops must be 1 or 3 (got {Crops})");
        Require(ItemTimeout is null || ItemTimeout > TimeSpan.Zero, "ItemTimeout must be positive");
        Require(Window is null || Window > TimeSpan.Zero, "Window must be positive");
        Require(WindowStride is null || WindowStride > TimeSpan.Zero, "WindowStride must be positive");
        Require(DeviceId >= 0, $"DeviceId must be >= 0 (got {DeviceId})");
        Require(!Cuda.EnableCudaGraph, "CUDA graphs cannot be used by VideoClassifier: it stages batches in host memory and runs "
            + "partial batches at smaller sizes, but a captured CUDA graph replays fixed device addresses and one fixed shape "
            + "(use OrtSession with device-bound OrtIoBinding buffers for that)");
        Require(TensorRtMinBatch >= 1 && TensorRtMinBatch <= MaxBatchSize,
            $"TensorRtMinBatch must be between 1 and MaxBatchSize {MaxBatchSize} (got {TensorRtMinBatch})");
        Require(TensorRtOptBatch is null || (TensorRtOptBatch >= TensorRtMinBatch && TensorRtOptBatch <= MaxBatchSize),
            $"TensorRtOptBatch must be between TensorRtMinBatch {TensorRtMinBatch} and MaxBatchSize {MaxBatchSize} (got {TensorRtOptBatch})");
        try
        {
            Cuda.Validate();
            TensorRt.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"VideoClassifierOptions: {e.Message}", e);
        }
    }
}
