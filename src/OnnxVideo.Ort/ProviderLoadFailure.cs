using System.Text.RegularExpressions;

namespace OnnxVideo.Ort;

/// <summary>
/// Turns ORT's "failed to load the provider library" message into the cause a user can act on: the first library the
/// dynamic loader could not find, and what installs it.
/// </summary>
internal static partial class ProviderLoadFailure
{
    /// <summary>The libraries the official GPU package links against and where each comes from.</summary>
    private static readonly (string Prefix, string Source)[] Sources =
    [
        ("libcuda.so", "the NVIDIA driver"),
        ("libcudnn", "cuDNN 9"),
        ("libnvinfer", "TensorRT 10"),
        ("libnvonnxparser", "TensorRT 10"),
        ("libcu", "CUDA 13 (the CUDA runtime, cuBLAS, cuRAND)"),
        ("libnvrtc", "CUDA 13 (the CUDA runtime, cuBLAS, cuRAND)"),
    ];

    /// <summary>The library the loader reported missing in <paramref name="ortMessage"/>, or null.</summary>
    public static string? MissingDependency(string ortMessage)
    {
        var match = LoaderError().Match(ortMessage);
        return match.Success ? match.Groups["library"].Value : null;
    }

    public static string Describe(ExecutionProvider provider, string ortMessage)
    {
        var missing = MissingDependency(ortMessage);
        if (missing is null)
        {
            return $"{provider} execution provider could not be loaded by ONNX Runtime: {ortMessage}";
        }

        var source = Sources.FirstOrDefault(s => missing.StartsWith(s.Prefix, StringComparison.Ordinal)).Source
            ?? "a CUDA, cuDNN or TensorRT installation";
        var loader = LoaderReport().Match(ortMessage);
        return $"{provider} execution provider could not be loaded: {missing} is missing; it comes with {source}. Install it and "
            + "make its folder known to the loader (ldconfig or LD_LIBRARY_PATH); ONNX Runtime's GPU package needs CUDA 13, cuDNN 9 "
            + $"and, for TensorRT, TensorRT 10. ({(loader.Success ? loader.Value : ortMessage)})";
    }

    [GeneratedRegex(@"Failed to load library .*$", RegexOptions.Multiline)]
    private static partial Regex LoaderReport();

    [GeneratedRegex(@"(?<library>lib[A-Za-z0-9_+\-]+\.so(\.[0-9]+)*): cannot open shared object file")]
    private static partial Regex LoaderError();
}
