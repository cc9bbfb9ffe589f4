namespace OnnxVideo.Ort.Native;

internal static unsafe partial class OrtApi
{
    // Type information.
    public static readonly delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)Slot(55);
    public static readonly delegate* unmanaged<nint, int*, nint> GetOnnxTypeFromTypeInfo = (delegate* unmanaged<nint, int*, nint>)Slot(56);
    public static readonly delegate* unmanaged<nint, int*, nint> GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)Slot(60);
    public static readonly delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)Slot(61);
    public static readonly delegate* unmanaged<nint, long*, nuint, nint> GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)Slot(62);
    public static readonly delegate* unmanaged<nint, byte**, nuint, nint> GetSymbolicDimensions = (delegate* unmanaged<nint, byte**, nuint, nint>)Slot(63);
    public static readonly delegate* unmanaged<nint, nuint*, nint> GetTensorShapeElementCount = (delegate* unmanaged<nint, nuint*, nint>)Slot(64);
    public static readonly delegate* unmanaged<nint, void> ReleaseTypeInfo = (delegate* unmanaged<nint, void>)Slot(98);
    public static readonly delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)Slot(99);

    // Values.
    public static readonly delegate* unmanaged<nint, long*, nuint, int, nint*, nint> CreateTensorAsOrtValue = (delegate* unmanaged<nint, long*, nuint, int, nint*, nint>)Slot(48);
    public static readonly delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)Slot(49);
    public static readonly delegate* unmanaged<nint, int*, nint> IsTensor = (delegate* unmanaged<nint, int*, nint>)Slot(50);
    public static readonly delegate* unmanaged<nint, void**, nint> GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)Slot(51);
    public static readonly delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)Slot(65);
    public static readonly delegate* unmanaged<nint, int*, nint> GetValueType = (delegate* unmanaged<nint, int*, nint>)Slot(67);
    public static readonly delegate* unmanaged<nint, nint*, nint> GetTensorMemoryInfo = (delegate* unmanaged<nint, nint*, nint>)Slot(194);
    public static readonly delegate* unmanaged<nint, void> ReleaseValue = (delegate* unmanaged<nint, void>)Slot(96);
}
