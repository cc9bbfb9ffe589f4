using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>
/// An ORT inference session over one model. <c>Run</c> may be called from many threads at once (ORT's Run is
/// thread-safe and this wrapper keeps all per-run state on the caller's stack). Dispose releases the native session
/// exactly once; runs in flight keep it alive until they return.
/// </summary>
public sealed unsafe partial class OrtSession : IDisposable
{
    private readonly OrtSessionHandle handle;
    private readonly OrtValue[] externalInitializers;
    private readonly NodeNameTable inputNames;
    private readonly NodeNameTable outputNames;
    private readonly Lazy<OrtModelMetadata> metadata;

    /// <summary>Loads the model file at <paramref name="modelPath"/>.</summary>
    public OrtSession(string modelPath, OrtSessionOptions? options = null)
        : this(Path.GetFullPath(modelPath), null, options ?? new OrtSessionOptions())
    {
    }

    /// <summary>Loads a model from its serialized bytes; <paramref name="sourceName"/> names it in errors.</summary>
    public OrtSession(ReadOnlySpan<byte> model, OrtSessionOptions? options = null, string sourceName = "<model bytes>")
        : this(sourceName, model.ToArray(), options ?? new OrtSessionOptions())
    {
    }

    private OrtSession(string source, byte[]? modelBytes, OrtSessionOptions options)
    {
        Source = source;
        var environment = OrtEnvironment.Shared.Handle.Pointer;
        (handle, ExecutionProvider) = CreateWithProvider(options, native =>
        {
            nint session;
            nint status;
            if (modelBytes is null)
            {
                fixed (byte* path = Utf8.NullTerminated(source))
                {
                    status = OrtApi.CreateSession(environment, path, native, &session);
                }
            }
            else
            {
                fixed (byte* bytes = modelBytes)
                {
                    status = OrtApi.CreateSessionFromArray(environment, bytes, (nuint)modelBytes.Length, native, &session);
                }
            }

            OrtStatus.Check(status, $"Could not create an ONNX Runtime session from '{source}'");
            return new OrtSessionHandle(session);
        });

        externalInitializers = options.Initializers.Values.ToArray();
        Inputs = ReadNodeInfos(input: true);
        Outputs = ReadNodeInfos(input: false);
        inputNames = new NodeNameTable("input", Inputs.Select(i => i.Name).ToArray());
        outputNames = new NodeNameTable("output", Outputs.Select(o => o.Name).ToArray());
        metadata = new Lazy<OrtModelMetadata>(ReadMetadata);
    }

    /// <summary>The model file path, or the source name given for model bytes.</summary>
    public string Source { get; }

    public IReadOnlyList<OrtNodeInfo> Inputs { get; }

    public IReadOnlyList<OrtNodeInfo> Outputs { get; }

    public IReadOnlyList<string> InputNames => inputNames.Names;

    public IReadOnlyList<string> OutputNames => outputNames.Names;

    /// <summary>The model's metadata, read on first use.</summary>
    public OrtModelMetadata Metadata => metadata.Value;

    /// <summary>Which execution provider the session uses and why others were not used.</summary>
    public ExecutionProviderSelection ExecutionProvider { get; }

    internal OrtSessionHandle Handle => handle;

    internal NodeNameTable InputNameTable => inputNames;

    internal NodeNameTable OutputNameTable => outputNames;

    /// <summary>Creates an allocator for <paramref name="memoryInfo"/> tied to this session's providers.</summary>
    public OrtAllocator CreateAllocator(OrtMemoryInfo memoryInfo)
    {
        nint allocator;
        OrtStatus.Check(OrtApi.CreateAllocator(handle.Pointer, memoryInfo.Pointer, &allocator), "CreateAllocator");
        return OrtAllocator.Owned(allocator);
    }

    /// <summary>An IoBinding for this session (not for concurrent use; create one per thread).</summary>
    public OrtIoBinding CreateIoBinding() => new(this);

    public void Dispose()
    {
        handle.Dispose();
        GC.KeepAlive(externalInitializers);
    }

    private static (OrtSessionHandle, ExecutionProviderSelection) CreateWithProvider(
        OrtSessionOptions options, Func<nint, OrtSessionHandle> create)
    {
        var requested = options.ExecutionProvider;
        if (requested != Ort.ExecutionProvider.Auto)
        {
            using var native = options.CreateNative(requested);
            return (create(native.Pointer), new ExecutionProviderSelection(requested, requested, []));
        }

        // The device listing registers the GPU provider libraries, which names a missing CUDA/cuDNN/TensorRT library
        // without building a session; a provider that registers is still tried, as its devices decide nothing alone.
        var unregistered = EpDevices.List().Unregistered;
        var rejected = new List<ExecutionProviderRejection>();
        foreach (var candidate in new[] { Ort.ExecutionProvider.TensorRt, Ort.ExecutionProvider.Cuda })
        {
            var notRegistered = unregistered.FirstOrDefault(r => r.Provider == candidate && r.Reason.Contains("cannot open shared object", StringComparison.Ordinal));
            if (notRegistered is not null)
            {
                rejected.Add(notRegistered);
                continue;
            }

            try
            {
                using var native = options.CreateNative(candidate);
                return (create(native.Pointer), new ExecutionProviderSelection(requested, candidate, rejected));
            }
            catch (ExecutionProviderUnavailableException e)
            {
                rejected.Add(new ExecutionProviderRejection(candidate, e.Message));
            }
            catch (OrtException e)
            {
                rejected.Add(new ExecutionProviderRejection(candidate, $"session creation failed: {e.OrtMessage}"));
            }
        }

        using var cpu = options.CreateNative(Ort.ExecutionProvider.Cpu);
        return (create(cpu.Pointer), new ExecutionProviderSelection(requested, Ort.ExecutionProvider.Cpu, rejected));
    }

    private OrtNodeInfo[] ReadNodeInfos(bool input)
    {
        var session = handle.Pointer;
        nuint count;
        OrtStatus.Check(input ? OrtApi.SessionGetInputCount(session, &count) : OrtApi.SessionGetOutputCount(session, &count), "SessionGetInputCount");
        var result = new OrtNodeInfo[(int)count];
        var allocator = OrtAllocator.Default;
        for (nuint i = 0; i < count; i++)
        {
            byte* name;
            OrtStatus.Check(
                input ? OrtApi.SessionGetInputName(session, i, allocator.Pointer, &name) : OrtApi.SessionGetOutputName(session, i, allocator.Pointer, &name),
                "SessionGetInputName");
            var nameText = allocator.TakeString(name);
            nint typeInfo;
            OrtStatus.Check(
                input ? OrtApi.SessionGetInputTypeInfo(session, i, &typeInfo) : OrtApi.SessionGetOutputTypeInfo(session, i, &typeInfo),
                "SessionGetInputTypeInfo");
            using var typeInfoHandle = new OrtTypeInfoHandle(typeInfo);
            result[(int)i] = DescribeType(nameText, typeInfo);
        }

        return result;
    }

    private static OrtNodeInfo DescribeType(string name, nint typeInfo)
    {
        int onnxType;
        OrtStatus.Check(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType), "GetOnnxTypeFromTypeInfo");
        nint tensorInfo;
        OrtStatus.Check(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo");
        if (tensorInfo == 0)
        {
            return new OrtNodeInfo(name, (OnnxValueType)onnxType, TensorElementType.Undefined, [], []);
        }

        // tensorInfo belongs to typeInfo: not released here.
        int elementType;
        OrtStatus.Check(OrtApi.GetTensorElementType(tensorInfo, &elementType), "GetTensorElementType");
        return new OrtNodeInfo(
            name,
            (OnnxValueType)onnxType,
            (TensorElementType)elementType,
            OrtTensorShapes.Dimensions(tensorInfo),
            OrtTensorShapes.SymbolicDimensions(tensorInfo));
    }

    private OrtModelMetadata ReadMetadata()
    {
        nint metadataPointer;
        OrtStatus.Check(OrtApi.SessionGetModelMetadata(handle.Pointer, &metadataPointer), "SessionGetModelMetadata");
        using var metadataHandle = new OrtModelMetadataHandle(metadataPointer);
        var allocator = OrtAllocator.Default;

        long version;
        OrtStatus.Check(OrtApi.ModelMetadataGetVersion(metadataPointer, &version), "ModelMetadataGetVersion");
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        byte** keys;
        long keyCount;
        OrtStatus.Check(OrtApi.ModelMetadataGetCustomMetadataMapKeys(metadataPointer, allocator.Pointer, &keys, &keyCount), "ModelMetadataGetCustomMetadataMapKeys");
        if (keys != null)
        {
            try
            {
                for (long i = 0; i < keyCount; i++)
                {
                    var key = Utf8.ToString(keys[i]);
                    byte* value;
                    OrtStatus.Check(OrtApi.ModelMetadataLookupCustomMetadataMap(metadataPointer, allocator.Pointer, keys[i], &value), "ModelMetadataLookupCustomMetadataMap");
                    custom[key] = allocator.TakeString(value);
                }
            }
            finally
            {
                for (long i = 0; i < keyCount; i++)
                {
                    allocator.Free((nint)keys[i]);
                }

                allocator.Free((nint)keys);
            }
        }

        return new OrtModelMetadata(
            ReadMetadataString(OrtApi.ModelMetadataGetProducerName, metadataPointer, "ModelMetadataGetProducerName"),
            ReadMetadataString(OrtApi.ModelMetadataGetGraphName, metadataPointer, "ModelMetadataGetGraphName"),
            ReadMetadataString(OrtApi.ModelMetadataGetDomain, metadataPointer, "ModelMetadataGetDomain"),
            ReadMetadataString(OrtApi.ModelMetadataGetDescription, metadataPointer, "ModelMetadataGetDescription"),
            ReadMetadataString(OrtApi.ModelMetadataGetGraphDescription, metadataPointer, "ModelMetadataGetGraphDescription"),
            version,
            custom);
    }

    private static string ReadMetadataString(delegate* unmanaged<nint, nint, byte**, nint> getter, nint metadataPointer, string what)
    {
        var allocator = OrtAllocator.Default;
        byte* value;
        OrtStatus.Check(getter(metadataPointer, allocator.Pointer, &value), what);
        return allocator.TakeString(value);
    }
}
