using System.Globalization;

namespace OnnxVideo.Ort;

/// <summary>CUDA execution provider settings (ORT's CUDA V2 provider options).</summary>
public sealed record CudaProviderOptions
{
    public int DeviceId { get; init; }

    /// <summary>Upper bound of the CUDA memory arena in bytes (ORT's <c>gpu_mem_limit</c>); null leaves ORT's default (no limit).</summary>
    public long? GpuMemoryLimit { get; init; }

    public CudnnConvAlgorithmSearch ConvAlgorithmSearch { get; init; } = CudnnConvAlgorithmSearch.Exhaustive;

    /// <summary>
    /// Capture the session's kernels once in a CUDA graph and replay it on later runs (ORT's <c>enable_cuda_graph</c>).
    /// Only for sessions whose inputs and outputs are bound with <see cref="OrtIoBinding"/> to device buffers that keep
    /// their addresses and shapes across runs, and whose nodes all run on CUDA; ORT fails the first run otherwise.
    /// </summary>
    public bool EnableCudaGraph { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting ORT would reject.</summary>
    public void Validate()
    {
        if (DeviceId < 0)
        {
            throw new ArgumentException($"CUDA provider: DeviceId must be >= 0 (got {DeviceId})");
        }
        if (GpuMemoryLimit is <= 0)
        {
            throw new ArgumentException($"CUDA provider: GpuMemoryLimit must be a positive number of bytes (got {GpuMemoryLimit})");
        }
        if (!Enum.IsDefined(ConvAlgorithmSearch))
        {
            throw new ArgumentException($"CUDA provider: unknown ConvAlgorithmSearch {(int)ConvAlgorithmSearch}");
        }
    }

    internal IReadOnlyList<KeyValuePair<string, string>> ToProviderOptions()
    {
        Validate();
        var options = new List<KeyValuePair<string, string>>
        {
            new("device_id", DeviceId.ToString(CultureInfo.InvariantCulture)),
            new("cudnn_conv_algo_search", ConvAlgorithmSearch switch
            {
                CudnnConvAlgorithmSearch.Heuristic => "HEURISTIC",
                CudnnConvAlgorithmSearch.Default => "DEFAULT",
                _ => "EXHAUSTIVE",
            }),
        };
        if (GpuMemoryLimit is { } limit)
        {
            options.Add(new("gpu_mem_limit", limit.ToString(CultureInfo.InvariantCulture)));
        }

        if (EnableCudaGraph)
        {
            options.Add(new("enable_cuda_graph", "1"));
        }

        return options;
    }
}
