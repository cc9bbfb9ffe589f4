using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>A test of the NCHWc convolutions: skipped, visibly, where ORT has no blocked kernels on this CPU.</summary>
public sealed class NchwcFactAttribute : FactAttribute
{
    public NchwcFactAttribute() => Skip = SkipReason;

    internal static string? SkipReason => CpuTrainingGraphs.BlockSize < 4
        ? $"ORT's NCHWc kernels need AVX2 or AVX-512 (block size here {CpuTrainingGraphs.BlockSize})"
        : null;
}
