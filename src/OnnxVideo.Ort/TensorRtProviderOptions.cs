using System.Globalization;

namespace OnnxVideo.Ort;

/// <summary>TensorRT execution provider settings (ORT's TensorRT V2 provider options).</summary>
public sealed record TensorRtProviderOptions
{
    public int DeviceId { get; init; }

    /// <summary>Let TensorRT build FP16 kernels.</summary>
    public bool Fp16 { get; init; }

    /// <summary>Largest scratch memory TensorRT may use while building and running engines, in bytes; null = ORT's default.</summary>
    public long? MaxWorkspaceSize { get; init; }

    /// <summary>Cache built engines in <see cref="EngineCachePath"/> (first session build is slow, later ones fast).</summary>
    public bool EngineCacheEnabled { get; init; }

    public string? EngineCachePath { get; init; }

    /// <summary>Cache layer timings in <see cref="TimingCachePath"/>.</summary>
    public bool TimingCacheEnabled { get; init; }

    public string? TimingCachePath { get; init; }

    /// <summary>Shape profile for a dynamic batch (ORT's <c>trt_profile_min_shapes</c>/<c>opt</c>/<c>max</c>); null = none.</summary>
    public TensorRtBatchProfile? BatchProfile { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting ORT would reject.</summary>
    public void Validate()
    {
        if (DeviceId < 0)
        {
            throw new ArgumentException($"TensorRT provider: DeviceId must be >= 0 (got {DeviceId})");
        }
        if (MaxWorkspaceSize is <= 0)
        {
            throw new ArgumentException($"TensorRT provider: MaxWorkspaceSize must be a positive number of bytes (got {MaxWorkspaceSize})");
        }
        if (EngineCacheEnabled && string.IsNullOrWhiteSpace(EngineCachePath))
        {
            throw new ArgumentException("TensorRT provider: EngineCacheEnabled needs an EngineCachePath");
        }
        if (TimingCacheEnabled && string.IsNullOrWhiteSpace(TimingCachePath))
        {
            throw new ArgumentException("TensorRT provider: TimingCacheEnabled needs a TimingCachePath");
        }
        BatchProfile?.Validate();
    }

    internal IReadOnlyList<KeyValuePair<string, string>> ToProviderOptions()
    {
        Validate();
        var options = new List<KeyValuePair<string, string>>
        {
            new("device_id", DeviceId.ToString(CultureInfo.InvariantCulture)),
            new("trt_fp16_enable", Flag(Fp16)),
            new("trt_engine_cache_enable", Flag(EngineCacheEnabled)),
            new("trt_timing_cache_enable", Flag(TimingCacheEnabled)),
        };
        if (MaxWorkspaceSize is { } workspace)
        {
            options.Add(new("trt_max_workspace_size", workspace.ToString(CultureInfo.InvariantCulture)));
        }

        if (EngineCachePath is not null)
        {
            options.Add(new("trt_engine_cache_path", EngineCachePath));
        }

        if (TimingCachePath is not null)
        {
            options.Add(new("trt_timing_cache_path", TimingCachePath));
        }

        if (BatchProfile is { } profile)
        {
            options.Add(new("trt_profile_min_shapes", profile.ShapeText(profile.MinBatch)));
            options.Add(new("trt_profile_opt_shapes", profile.ShapeText(profile.OptBatch)));
            options.Add(new("trt_profile_max_shapes", profile.ShapeText(profile.MaxBatch)));
        }

        return options;
    }

    private static string Flag(bool value) => value ? "1" : "0";
}
