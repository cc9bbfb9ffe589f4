namespace OnnxVideo.Ort.Native;

internal static unsafe partial class OrtApi
{
    // Session options.
    public static readonly delegate* unmanaged<nint*, nint> CreateSessionOptions = (delegate* unmanaged<nint*, nint>)Slot(10);
    public static readonly delegate* unmanaged<nint, int, nint> SetSessionExecutionMode = (delegate* unmanaged<nint, int, nint>)Slot(13);
    public static readonly delegate* unmanaged<nint, byte*, nint> EnableProfiling = (delegate* unmanaged<nint, byte*, nint>)Slot(14);
    public static readonly delegate* unmanaged<nint, nint> EnableMemPattern = (delegate* unmanaged<nint, nint>)Slot(16);
    public static readonly delegate* unmanaged<nint, nint> DisableMemPattern = (delegate* unmanaged<nint, nint>)Slot(17);
    public static readonly delegate* unmanaged<nint, nint> EnableCpuMemArena = (delegate* unmanaged<nint, nint>)Slot(18);
    public static readonly delegate* unmanaged<nint, nint> DisableCpuMemArena = (delegate* unmanaged<nint, nint>)Slot(19);
    public static readonly delegate* unmanaged<nint, byte*, nint> SetSessionLogId = (delegate* unmanaged<nint, byte*, nint>)Slot(20);
    public static readonly delegate* unmanaged<nint, int, nint> SetSessionLogSeverityLevel = (delegate* unmanaged<nint, int, nint>)Slot(22);
    public static readonly delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)Slot(23);
    public static readonly delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)Slot(24);
    public static readonly delegate* unmanaged<nint, int, nint> SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)Slot(25);
    public static readonly delegate* unmanaged<nint, byte*, long, nint> AddFreeDimensionOverrideByName = (delegate* unmanaged<nint, byte*, long, nint>)Slot(124);
    public static readonly delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)Slot(130);
    public static readonly delegate* unmanaged<nint, byte*, nint, nint> AddInitializer = (delegate* unmanaged<nint, byte*, nint, nint>)Slot(150);
    public static readonly delegate* unmanaged<nint, void> ReleaseSessionOptions = (delegate* unmanaged<nint, void>)Slot(100);

    // Sessions.
    public static readonly delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)Slot(7);
    public static readonly delegate* unmanaged<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray = (delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)Slot(8);
    public static readonly delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run = (delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)Slot(9);
    public static readonly delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)Slot(30);
    public static readonly delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)Slot(31);
    public static readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)Slot(33);
    public static readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)Slot(34);
    public static readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)Slot(36);
    public static readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)Slot(37);
    public static readonly delegate* unmanaged<nint, void> ReleaseSession = (delegate* unmanaged<nint, void>)Slot(95);

    // Model metadata.
    public static readonly delegate* unmanaged<nint, nint*, nint> SessionGetModelMetadata = (delegate* unmanaged<nint, nint*, nint>)Slot(111);
    public static readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetProducerName = (delegate* unmanaged<nint, nint, byte**, nint>)Slot(112);
    public static readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetGraphName = (delegate* unmanaged<nint, nint, byte**, nint>)Slot(113);
    public static readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetDomain = (delegate* unmanaged<nint, nint, byte**, nint>)Slot(114);
    public static readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetDescription = (delegate* unmanaged<nint, nint, byte**, nint>)Slot(115);
    public static readonly delegate* unmanaged<nint, nint, byte*, byte**, nint> ModelMetadataLookupCustomMetadataMap = (delegate* unmanaged<nint, nint, byte*, byte**, nint>)Slot(116);
    public static readonly delegate* unmanaged<nint, long*, nint> ModelMetadataGetVersion = (delegate* unmanaged<nint, long*, nint>)Slot(117);
    public static readonly delegate* unmanaged<nint, void> ReleaseModelMetadata = (delegate* unmanaged<nint, void>)Slot(118);
    public static readonly delegate* unmanaged<nint, nint, byte***, long*, nint> ModelMetadataGetCustomMetadataMapKeys = (delegate* unmanaged<nint, nint, byte***, long*, nint>)Slot(123);
    public static readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetGraphDescription = (delegate* unmanaged<nint, nint, byte**, nint>)Slot(158);

    // IoBinding.
    public static readonly delegate* unmanaged<nint, nint, nint, nint> RunWithBinding = (delegate* unmanaged<nint, nint, nint, nint>)Slot(133);
    public static readonly delegate* unmanaged<nint, nint*, nint> CreateIoBinding = (delegate* unmanaged<nint, nint*, nint>)Slot(134);
    public static readonly delegate* unmanaged<nint, void> ReleaseIoBinding = (delegate* unmanaged<nint, void>)Slot(135);
    public static readonly delegate* unmanaged<nint, byte*, nint, nint> BindInput = (delegate* unmanaged<nint, byte*, nint, nint>)Slot(136);
    public static readonly delegate* unmanaged<nint, byte*, nint, nint> BindOutput = (delegate* unmanaged<nint, byte*, nint, nint>)Slot(137);
    public static readonly delegate* unmanaged<nint, byte*, nint, nint> BindOutputToDevice = (delegate* unmanaged<nint, byte*, nint, nint>)Slot(138);
    public static readonly delegate* unmanaged<nint, nint, byte**, nuint**, nuint*, nint> GetBoundOutputNames = (delegate* unmanaged<nint, nint, byte**, nuint**, nuint*, nint>)Slot(139);
    public static readonly delegate* unmanaged<nint, nint, nint**, nuint*, nint> GetBoundOutputValues = (delegate* unmanaged<nint, nint, nint**, nuint*, nint>)Slot(140);
    public static readonly delegate* unmanaged<nint, void> ClearBoundInputs = (delegate* unmanaged<nint, void>)Slot(141);
    public static readonly delegate* unmanaged<nint, void> ClearBoundOutputs = (delegate* unmanaged<nint, void>)Slot(142);
    public static readonly delegate* unmanaged<nint, nint> SynchronizeBoundInputs = (delegate* unmanaged<nint, nint>)Slot(202);
    public static readonly delegate* unmanaged<nint, nint> SynchronizeBoundOutputs = (delegate* unmanaged<nint, nint>)Slot(203);

    // Execution providers (V2 option objects).
    public static readonly delegate* unmanaged<nint, nint, nint> SessionOptionsAppendExecutionProvider_TensorRT_V2 = (delegate* unmanaged<nint, nint, nint>)Slot(170);
    public static readonly delegate* unmanaged<nint*, nint> CreateTensorRTProviderOptions = (delegate* unmanaged<nint*, nint>)Slot(171);
    public static readonly delegate* unmanaged<nint, byte**, byte**, nuint, nint> UpdateTensorRTProviderOptions = (delegate* unmanaged<nint, byte**, byte**, nuint, nint>)Slot(172);
    public static readonly delegate* unmanaged<nint, void> ReleaseTensorRTProviderOptions = (delegate* unmanaged<nint, void>)Slot(174);
    public static readonly delegate* unmanaged<nint, nint, nint> SessionOptionsAppendExecutionProvider_CUDA_V2 = (delegate* unmanaged<nint, nint, nint>)Slot(204);
    public static readonly delegate* unmanaged<nint*, nint> CreateCUDAProviderOptions = (delegate* unmanaged<nint*, nint>)Slot(205);
    public static readonly delegate* unmanaged<nint, byte**, byte**, nuint, nint> UpdateCUDAProviderOptions = (delegate* unmanaged<nint, byte**, byte**, nuint, nint>)Slot(206);
    public static readonly delegate* unmanaged<nint, void> ReleaseCUDAProviderOptions = (delegate* unmanaged<nint, void>)Slot(208);
}
