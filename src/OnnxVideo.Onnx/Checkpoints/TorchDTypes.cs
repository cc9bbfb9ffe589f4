namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>Element sizes of <see cref="TorchDType"/> and the storage classes that name them in a pickle.</summary>
internal static class TorchDTypes
{
    private static readonly Dictionary<string, TorchDType> ByStorageClass = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = TorchDType.Float32,
        ["HalfStorage"] = TorchDType.Float16,
        ["BFloat16Storage"] = TorchDType.BFloat16,
        ["DoubleStorage"] = TorchDType.Float64,
        ["LongStorage"] = TorchDType.Int64,
        ["IntStorage"] = TorchDType.Int32,
        ["ShortStorage"] = TorchDType.Int16,
        ["CharStorage"] = TorchDType.Int8,
        ["ByteStorage"] = TorchDType.UInt8,
        ["BoolStorage"] = TorchDType.Bool,
        // torch >= 2 may pickle untyped (byte) storages.
        ["UntypedStorage"] = TorchDType.UInt8,
    };

    public static int ElementSize(TorchDType dtype) => dtype switch
    {
        TorchDType.Float64 or TorchDType.Int64 => 8,
        TorchDType.Float32 or TorchDType.Int32 => 4,
        TorchDType.Float16 or TorchDType.BFloat16 or TorchDType.Int16 => 2,
        TorchDType.Int8 or TorchDType.UInt8 or TorchDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    public static bool IsFloatingPoint(TorchDType dtype) =>
        dtype is TorchDType.Float32 or TorchDType.Float16 or TorchDType.BFloat16 or TorchDType.Float64;

    /// <summary>The dtype of a storage class in module <c>torch</c> (e.g. <c>FloatStorage</c>).</summary>
    public static bool TryFromStorageClass(string name, out TorchDType dtype) => ByStorageClass.TryGetValue(name, out dtype);
}
