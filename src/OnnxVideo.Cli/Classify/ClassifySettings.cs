using OnnxVideo.Ort;
using OnnxVideo.Cli.Commands;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Classify;

/// <summary>Everything `onnxvideo classify` was asked to do.</summary>
internal sealed record ClassifySettings(
    IReadOnlyList<string> Inputs,
    string ModelPath,
    ExecutionProvider Device,
    int? Batch,
    int TopK,
    int? Clips,
    int? Crops,
    int? Workers,
    double? WindowSeconds,
    double? WindowStrideSeconds,
    double? TimeoutSeconds,
    bool NoPad,
    bool Json,
    string? OutputPath,
    InputShard Shard)
{
    /// <summary>CUDA/TensorRT settings from the shared GPU flags.</summary>
    public GpuProviderSettings Gpu { get; init; } = GpuProviderSettings.Default;

    /// <summary>`--keep-conv3d`: <see cref="Runtime.VideoClassifierOptions.LowerConvolutions"/> off.</summary>
    public bool KeepConv3d { get; init; }
}
