using System.Globalization;

namespace OnnxVideo.Ort;

/// <summary>CUDA execution provider settings (ORT's CUDA V2 provider options).</summary>
public sealed record CudaProviderOptions
{
    public int DeviceId { get; init; }

    /// <summary>Upper bound of the CUDA memory arena in bytes; null leaves ORT's default (no limit).</summary>
    public long? GpuMemoryLimit { get; init; }

    public CudnnConvAlgorithmSearch ConvAlgorithmSearch { get; init; } = CudnnConvAlgorithmSearch.Exhaustive;

    internal IReadOnlyList<KeyValuePair<string, string>> ToProviderOptions()
    {
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

        return options;
    }
}
