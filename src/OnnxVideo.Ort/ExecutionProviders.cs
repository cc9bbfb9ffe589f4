using System.Runtime.InteropServices;
using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>
/// Finds out which execution providers can be used and appends them to native session options.
/// CUDA and TensorRT live in separate provider libraries that ORT loads from the folder of libonnxruntime;
/// they are checked for before ORT is asked, so a missing file gets a message that says how to get it.
/// </summary>
public static unsafe class ExecutionProviders
{
    /// <summary>Where the GPU provider libraries come from.</summary>
    public const string GpuPackageHint =
        "reference the NuGet package Microsoft.ML.OnnxRuntime.Gpu.Linux (same version) instead of Microsoft.ML.OnnxRuntime "
        + "(in this repository: ./build.sh --gpu, or dotnet build -p:OnnxVideoGpu=true); it needs CUDA 13, cuDNN 9 and, for TensorRT, TensorRT 10";

    /// <summary>Usability of TensorRT, CUDA and CPU on this machine, trying to load each GPU provider library.</summary>
    public static IReadOnlyList<ExecutionProviderStatus> CheckAvailability()
    {
        var result = new List<ExecutionProviderStatus>();
        foreach (var provider in new[] { ExecutionProvider.TensorRt, ExecutionProvider.Cuda })
        {
            var unavailable = UnavailableReason(provider);
            if (unavailable is not null)
            {
                result.Add(new ExecutionProviderStatus(provider, false, unavailable));
                continue;
            }

            var options = NewNativeOptions();
            try
            {
                Append(options.Pointer, provider, new CudaProviderOptions(), new TensorRtProviderOptions());
                result.Add(new ExecutionProviderStatus(provider, true, $"provider library loads from {OrtLibrary.LibraryDirectory}"));
            }
            catch (OrtException e)
            {
                result.Add(new ExecutionProviderStatus(provider, false, ProviderLoadFailure.Describe(provider, e.OrtMessage)));
            }
            finally
            {
                options.Dispose();
            }
        }

        result.Add(new ExecutionProviderStatus(ExecutionProvider.Cpu, true, "built into libonnxruntime"));
        return result;
    }

    /// <summary>Full paths of the provider libraries <paramref name="provider"/> needs that are not beside libonnxruntime.</summary>
    public static IReadOnlyList<string> MissingLibraries(ExecutionProvider provider)
    {
        var folder = OrtLibrary.LibraryDirectory;
        var names = provider switch
        {
            ExecutionProvider.Cuda => new[] { LibraryName("onnxruntime_providers_shared"), LibraryName("onnxruntime_providers_cuda") },
            ExecutionProvider.TensorRt => new[] { LibraryName("onnxruntime_providers_shared"), LibraryName("onnxruntime_providers_tensorrt") },
            _ => [],
        };
        return names.Select(name => Path.Combine(folder, name)).Where(path => !File.Exists(path)).ToArray();
    }

    /// <summary>Full path of the provider library of <paramref name="provider"/> beside libonnxruntime.</summary>
    internal static string ProviderLibraryPath(ExecutionProvider provider) => Path.Combine(
        OrtLibrary.LibraryDirectory,
        LibraryName(provider == ExecutionProvider.TensorRt ? "onnxruntime_providers_tensorrt" : "onnxruntime_providers_cuda"));

    /// <summary>Appends a GPU provider; throws <see cref="ExecutionProviderUnavailableException"/> when it cannot be used.</summary>
    internal static void AppendOrThrow(nint options, ExecutionProvider provider, CudaProviderOptions cuda, TensorRtProviderOptions tensorRt)
    {
        var unavailable = UnavailableReason(provider);
        if (unavailable is not null)
        {
            throw new ExecutionProviderUnavailableException(provider, unavailable, MissingLibraries(provider));
        }

        try
        {
            Append(options, provider, cuda, tensorRt);
        }
        catch (OrtException e)
        {
            throw new ExecutionProviderUnavailableException(provider, ProviderLoadFailure.Describe(provider, e.OrtMessage), [], e);
        }
    }

    /// <summary>True when the loaded ORT build was compiled with <paramref name="provider"/> (the CPU package has neither GPU provider).</summary>
    public static bool IsCompiledIn(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => OrtLibrary.GetCompiledProviders().Contains("CUDAExecutionProvider"),
        ExecutionProvider.TensorRt => OrtLibrary.GetCompiledProviders().Contains("TensorrtExecutionProvider"),
        _ => true,
    };

    /// <summary>Why <paramref name="provider"/> cannot even be tried (not in this build, provider file missing), or null.</summary>
    private static string? UnavailableReason(ExecutionProvider provider)
    {
        if (!IsCompiledIn(provider))
        {
            return $"{provider} execution provider unavailable: the loaded ONNX Runtime {OrtLibrary.Version} ({OrtLibrary.LibraryPath}) "
                + $"is a CPU-only build; {GpuPackageHint}.";
        }

        var missing = MissingLibraries(provider);
        return missing.Count == 0
            ? null
            : $"{provider} execution provider unavailable: {string.Join(", ", missing.Select(Path.GetFileName))} not found in "
                + $"{Path.GetDirectoryName(missing[0])}; {GpuPackageHint}.";
    }

    internal static OrtSessionOptionsHandle NewNativeOptions()
    {
        // ORT logs through the environment's logger while it loads a provider; without one the real error is
        // replaced by "Attempt to use DefaultLogger but none has been registered".
        _ = OrtEnvironment.Shared;
        nint options;
        OrtStatus.Check(OrtApi.CreateSessionOptions(&options), "CreateSessionOptions");
        return new OrtSessionOptionsHandle(options);
    }

    private static void Append(nint options, ExecutionProvider provider, CudaProviderOptions cuda, TensorRtProviderOptions tensorRt)
    {
        if (provider == ExecutionProvider.TensorRt)
        {
            nint trtOptions;
            OrtStatus.Check(OrtApi.CreateTensorRTProviderOptions(&trtOptions), "CreateTensorRTProviderOptions");
            using var trtHandle = new OrtTensorRtProviderOptionsHandle(trtOptions);
            Update(OrtApi.UpdateTensorRTProviderOptions, trtOptions, tensorRt.ToProviderOptions(), "UpdateTensorRTProviderOptions");
            OrtStatus.Check(OrtApi.SessionOptionsAppendExecutionProvider_TensorRT_V2(options, trtOptions), "SessionOptionsAppendExecutionProvider_TensorRT_V2");
        }
        else if (provider == ExecutionProvider.Cuda)
        {
            nint cudaOptions;
            OrtStatus.Check(OrtApi.CreateCUDAProviderOptions(&cudaOptions), "CreateCUDAProviderOptions");
            using var cudaHandle = new OrtCudaProviderOptionsHandle(cudaOptions);
            Update(OrtApi.UpdateCUDAProviderOptions, cudaOptions, cuda.ToProviderOptions(), "UpdateCUDAProviderOptions");
            OrtStatus.Check(OrtApi.SessionOptionsAppendExecutionProvider_CUDA_V2(options, cudaOptions), "SessionOptionsAppendExecutionProvider_CUDA_V2");
        }
    }

    private static void Update(
        delegate* unmanaged<nint, byte**, byte**, nuint, nint> update,
        nint providerOptions,
        IReadOnlyList<KeyValuePair<string, string>> entries,
        string what)
    {
        var keys = new nint[entries.Count];
        var values = new nint[entries.Count];
        try
        {
            for (var i = 0; i < entries.Count; i++)
            {
                keys[i] = Marshal.StringToCoTaskMemUTF8(entries[i].Key);
                values[i] = Marshal.StringToCoTaskMemUTF8(entries[i].Value);
            }

            fixed (nint* keysPtr = keys, valuesPtr = values)
            {
                OrtStatus.Check(update(providerOptions, (byte**)keysPtr, (byte**)valuesPtr, (nuint)entries.Count), what);
            }
        }
        finally
        {
            foreach (var pointer in keys.Concat(values))
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static string LibraryName(string stem) =>
        OperatingSystem.IsWindows() ? stem + ".dll" : OperatingSystem.IsMacOS() ? "lib" + stem + ".dylib" : "lib" + stem + ".so";
}
