using OnnxVideo.Ort.Native;

namespace OnnxVideo.Ort;

/// <summary>
/// ORT's execution-provider device API (<c>GetEpDevices</c>). The CUDA and TensorRT providers of the GPU package are
/// separate libraries whose devices are listed only once the library is registered with the environment; registering
/// is also what reveals a missing CUDA/cuDNN/TensorRT dependency, so each failure is kept with its cause.
/// </summary>
public static unsafe class EpDevices
{
    private static readonly Lazy<IReadOnlyList<ExecutionProviderRejection>> Registration = new(RegisterGpuProviders);

    /// <summary>Lists every device; registers the GPU provider libraries of this build first (once per process).</summary>
    public static EpDeviceListing List()
    {
        var environment = OrtEnvironment.Shared;
        var unregistered = Registration.Value;
        nint* devices;
        nuint count;
        OrtStatus.Check(OrtApi.GetEpDevices(environment.Handle.Pointer, &devices, &count), "GetEpDevices");
        var result = new EpDevice[(int)count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Read(devices[i]);
        }

        return new EpDeviceListing(result, unregistered);
    }

    private static EpDevice Read(nint epDevice)
    {
        var hardware = OrtApi.EpDevice_Device(epDevice);
        return new EpDevice(
            Utf8.ToString(OrtApi.EpDevice_EpName(epDevice)),
            Utf8.ToString(OrtApi.EpDevice_EpVendor(epDevice)),
            (HardwareDeviceType)OrtApi.HardwareDevice_Type(hardware),
            Utf8.ToString(OrtApi.HardwareDevice_Vendor(hardware)),
            OrtApi.HardwareDevice_VendorId(hardware),
            OrtApi.HardwareDevice_DeviceId(hardware),
            ReadPairs(OrtApi.HardwareDevice_Metadata(hardware)));
    }

    internal static Dictionary<string, string> ReadPairs(nint pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pairs == 0)
        {
            return result;
        }

        byte** keys;
        byte** values;
        nuint count;
        OrtApi.GetKeyValuePairs(pairs, &keys, &values, &count);
        for (var i = 0; i < (int)count; i++)
        {
            result[Utf8.ToString(keys[i])] = Utf8.ToString(values[i]);
        }

        return result;
    }

    private static IReadOnlyList<ExecutionProviderRejection> RegisterGpuProviders()
    {
        var rejected = new List<ExecutionProviderRejection>();
        foreach (var provider in new[] { ExecutionProvider.Cuda, ExecutionProvider.TensorRt })
        {
            if (!ExecutionProviders.IsCompiledIn(provider))
            {
                continue;
            }

            var library = ExecutionProviders.ProviderLibraryPath(provider);
            if (!File.Exists(library))
            {
                rejected.Add(new ExecutionProviderRejection(provider, $"{Path.GetFileName(library)} not found in {Path.GetDirectoryName(library)}"));
                continue;
            }

            fixed (byte* name = Utf8.NullTerminated(provider.ToString()), path = Utf8.NullTerminated(library))
            {
                var status = OrtApi.RegisterExecutionProviderLibrary(OrtEnvironment.Shared.Handle.Pointer, name, path);
                try
                {
                    OrtStatus.Check(status, $"RegisterExecutionProviderLibrary '{library}'");
                }
                catch (OrtException e)
                {
                    rejected.Add(new ExecutionProviderRejection(provider, ProviderLoadFailure.Describe(provider, e.OrtMessage)));
                }
            }
        }

        return rejected;
    }
}
