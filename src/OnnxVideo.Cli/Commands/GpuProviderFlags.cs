using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Commands;

/// <summary>
/// The CUDA and TensorRT flags shared by classify, evaluate and train, defined once. Values are read as text and checked
/// by <see cref="Read"/>, so a bad one is an <see cref="InvalidFlagException"/> (exit code 2) naming the flag.
/// </summary>
internal sealed class GpuProviderFlags
{
    private readonly Option<string?> _deviceId = new("--device-id") { Description = "GPU ordinal for cuda/tensorrt (default 0)" };
    private readonly Option<string?> _convSearch = new("--cudnn-conv-search") { Description = "cuDNN convolution algorithm search: exhaustive (default), heuristic or default" };
    private readonly Option<string?> _memLimit = new("--gpu-mem-limit") { Description = "CUDA memory arena limit in bytes, or with K/M/G suffix (e.g. 6G)" };
    private readonly Option<bool> _cudaGraph = new("--cuda-graph")
    {
        Description = "Capture and replay CUDA graphs; needs device-bound inputs and outputs with one fixed shape, which this command does not have, so it refuses with the reason",
    };
    private readonly Option<bool> _trtFp16 = new("--trt-fp16") { Description = "Let TensorRT build FP16 kernels" };
    private readonly Option<string?> _trtWorkspace = new("--trt-workspace") { Description = "TensorRT workspace limit in bytes, or with K/M/G suffix" };
    private readonly Option<string?> _trtEngineCache = new("--trt-engine-cache") { Description = "Folder to cache TensorRT engines in (later runs skip the build)" };
    private readonly Option<string?> _trtTimingCache = new("--trt-timing-cache") { Description = "Folder to cache TensorRT layer timings in" };
    private readonly Option<string?> _trtMinBatch = new("--trt-min-batch") { Description = "Smallest batch of the TensorRT shape profile (default 1; the largest is --batch)" };
    private readonly Option<string?> _trtOptBatch = new("--trt-opt-batch") { Description = "Batch the TensorRT shape profile is tuned for (default --batch)" };
    private readonly bool _batchProfiles;

    private GpuProviderFlags(bool batchProfiles) => _batchProfiles = batchProfiles;

    /// <summary>
    /// Adds the flags to <paramref name="command"/>. <paramref name="batchProfiles"/> adds --trt-min-batch and
    /// --trt-opt-batch, for commands that run one model input with a dynamic batch.
    /// </summary>
    public static GpuProviderFlags AddTo(Command command, bool batchProfiles)
    {
        var flags = new GpuProviderFlags(batchProfiles);
        foreach (var option in flags.All())
        {
            command.Options.Add(option);
        }
        return flags;
    }

    public GpuProviderSettings Read(ParseResult parse)
    {
        var deviceId = Integer(parse, _deviceId, 0) ?? 0;
        var cuda = new CudaProviderOptions
        {
            DeviceId = deviceId,
            ConvAlgorithmSearch = ConvSearch(parse.GetValue(_convSearch)),
            GpuMemoryLimit = Bytes(parse, _memLimit),
            EnableCudaGraph = parse.GetValue(_cudaGraph),
        };
        var engineCache = FolderPath(parse, _trtEngineCache);
        var timingCache = FolderPath(parse, _trtTimingCache);
        var tensorRt = new TensorRtProviderOptions
        {
            DeviceId = deviceId,
            Fp16 = parse.GetValue(_trtFp16),
            MaxWorkspaceSize = Bytes(parse, _trtWorkspace),
            EngineCacheEnabled = engineCache is not null,
            EngineCachePath = engineCache,
            TimingCacheEnabled = timingCache is not null,
            TimingCachePath = timingCache,
        };
        int? minBatch = _batchProfiles ? Integer(parse, _trtMinBatch, 1) : null;
        int? optBatch = _batchProfiles ? Integer(parse, _trtOptBatch, 1) : null;
        if (minBatch is { } min && optBatch is { } opt && opt < min)
        {
            throw new InvalidFlagException("--trt-opt-batch", opt.ToString(CultureInfo.InvariantCulture), $"must not be below --trt-min-batch {min}");
        }
        return new GpuProviderSettings(deviceId, cuda, tensorRt, minBatch, optBatch);
    }

    /// <summary>Parses a byte count: digits with an optional K, M, G or T suffix (powers of 1024, "B"/"iB" allowed).</summary>
    internal static long ParseBytes(string flag, string text)
    {
        var trimmed = text.Trim();
        var upper = trimmed.ToUpperInvariant();
        foreach (var suffix in new[] { "IB", "B" })
        {
            if (upper.Length > suffix.Length && upper.EndsWith(suffix, StringComparison.Ordinal))
            {
                upper = upper[..^suffix.Length];
                break;
            }
        }
        var shift = upper.Length == 0 ? 0 : upper[^1] switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        var digits = shift == 0 ? upper : upper[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            throw new InvalidFlagException(flag, text, "expected a positive number of bytes, optionally with a K, M, G or T suffix (e.g. 6G)");
        }
        if (count > long.MaxValue >> shift)
        {
            throw new InvalidFlagException(flag, text, "too large");
        }
        return count << shift;
    }

    private IEnumerable<Option> All()
    {
        Option[] shared = [_deviceId, _convSearch, _memLimit, _cudaGraph, _trtFp16, _trtWorkspace, _trtEngineCache, _trtTimingCache];
        return _batchProfiles ? [.. shared, _trtMinBatch, _trtOptBatch] : shared;
    }

    private static int? Integer(ParseResult parse, Option<string?> option, int minimum)
    {
        if (parse.GetValue(option) is not { } text)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            throw new InvalidFlagException(option.Name, text, $"expected a whole number >= {minimum}");
        }
        return value;
    }

    private static long? Bytes(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text ? ParseBytes(option.Name, text) : null;

    private static string? FolderPath(ParseResult parse, Option<string?> option)
    {
        if (parse.GetValue(option) is not { } text)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(text) || File.Exists(text))
        {
            throw new InvalidFlagException(option.Name, text, "expected a folder (it is created when missing)");
        }
        try
        {
            return Directory.CreateDirectory(text).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidFlagException(option.Name, text, $"cannot create the folder: {e.Message}");
        }
    }

    private static CudnnConvAlgorithmSearch ConvSearch(string? text) => text?.ToLowerInvariant() switch
    {
        null or "exhaustive" => CudnnConvAlgorithmSearch.Exhaustive,
        "heuristic" => CudnnConvAlgorithmSearch.Heuristic,
        "default" => CudnnConvAlgorithmSearch.Default,
        _ => throw new InvalidFlagException("--cudnn-conv-search", text, "expected exhaustive, heuristic or default"),
    };
}
