using System.Globalization;

namespace OnnxVideo.Ort;

/// <summary>TensorRT execution provider settings (ORT's TensorRT V2 provider options).</summary>
public sealed record TensorRtProviderOptions
{
    public int DeviceId { get; init; }

    /// <summary>Let TensorRT build FP16 kernels.</summary>
    public bool Fp16 { get; init; }

    /// <summary>Cache built engines in <see cref="EngineCachePath"/> (first session build is slow, later ones fast).</summary>
    public bool EngineCacheEnabled { get; init; }

    public string? EngineCachePath { get; init; }

    /// <summary>Cache layer timings in <see cref="TimingCachePath"/>.</summary>
    public bool TimingCacheEnabled { get; init; }

    public string? TimingCachePath { get; init; }

    internal IReadOnlyList<KeyValuePair<string, string>> ToProviderOptions()
    {
        var options = new List<KeyValuePair<string, string>>
        {
            new("device_id", DeviceId.ToString(CultureInfo.InvariantCulture)),
            new("trt_fp16_enable", Flag(Fp16)),
            new("trt_engine_cache_enable", Flag(EngineCacheEnabled)),
            new("trt_timing_cache_enable", Flag(TimingCacheEnabled)),
        };
        if (EngineCachePath is not null)
        {
            options.Add(new("trt_engine_cache_path", EngineCachePath));
        }

        if (TimingCachePath is not null)
        {
            options.Add(new("trt_timing_cache_path", TimingCachePath));
        }

        return options;
    }

    private static string Flag(bool value) => value ? "1" : "0";
}
