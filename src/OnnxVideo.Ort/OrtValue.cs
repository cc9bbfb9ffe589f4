using System.Buffers;
using OnnxVideo.Ort.Native;
using OnnxVideo.Ort.Native.Handles;

namespace OnnxVideo.Ort;

/// <summary>
/// An ORT value. Tensors created over caller memory (<see cref="CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/>)
/// pin that memory until disposal and never copy it; tensors ORT allocates (outputs, <see cref="AllocateTensor{T}"/>)
/// are read and written through <see cref="GetTensorSpan{T}"/>. Dispose releases the native value exactly once.
/// </summary>
public sealed unsafe class OrtValue : IDisposable
{
    private readonly OrtValueHandle handle;
    private MemoryHandle pin;
    private long elementCount = -1;
    private TensorElementType elementType;

    private OrtValue(OrtValueHandle handle, MemoryHandle pin, long elementCount, TensorElementType elementType)
    {
        this.handle = handle;
        this.pin = pin;
        this.elementCount = elementCount;
        this.elementType = elementType;
    }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => handle.IsClosed;

    internal nint Pointer => handle.Pointer;

    internal OrtValueHandle Handle => handle;

    public OnnxValueType ValueType
    {
        get
        {
            int type;
            OrtStatus.Check(OrtApi.GetValueType(Pointer, &type), "GetValueType");
            return (OnnxValueType)type;
        }
    }

    public bool IsTensor
    {
        get
        {
            int isTensor;
            OrtStatus.Check(OrtApi.IsTensor(Pointer, &isTensor), "IsTensor");
            return isTensor != 0;
        }
    }

    /// <summary>Element type of this tensor.</summary>
    public TensorElementType ElementType
    {
        get
        {
            EnsureTensorInfo();
            return elementType;
        }
    }

    /// <summary>Number of elements of this tensor.</summary>
    public long ElementCount
    {
        get
        {
            EnsureTensorInfo();
            return elementCount;
        }
    }

    /// <summary>Dimensions of this tensor.</summary>
    public long[] Shape
    {
        get
        {
            using var info = TensorTypeAndShape();
            return OrtTensorShapes.Dimensions(info.Pointer);
        }
    }

    /// <summary>Where the tensor's data lives (owned by this value).</summary>
    public OrtMemoryInfo MemoryInfo
    {
        get
        {
            nint info;
            OrtStatus.Check(OrtApi.GetTensorMemoryInfo(Pointer, &info), "GetTensorMemoryInfo");
            return OrtMemoryInfo.Borrowed(info);
        }
    }

    /// <summary>Address of the tensor data (device memory for device tensors).</summary>
    public nint DataPointer
    {
        get
        {
            void* data;
            OrtStatus.Check(OrtApi.GetTensorMutableData(Pointer, &data), "GetTensorMutableData");
            return (nint)data;
        }
    }

    /// <summary>A tensor over <paramref name="data"/> without copying; the memory stays pinned until disposal.</summary>
    public static OrtValue CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var type = TensorElementTypes.Of<T>();
        var count = OrtTensorShapes.ElementCount(shape);
        if (count != data.Length)
        {
            throw new ArgumentException(
                $"Shape [{string.Join(", ", shape.ToArray())}] holds {count} elements but the buffer has {data.Length}.", nameof(data));
        }

        var pin = data.Pin();
        try
        {
            var value = CreateOverMemory(OrtMemoryInfo.Cpu, (nint)pin.Pointer, (long)count * sizeof(T), type, shape);
            return new OrtValue(new OrtValueHandle(value), pin, count, type);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>A tensor over an array without copying.</summary>
    public static OrtValue CreateTensor<T>(T[] data, params long[] shape)
        where T : unmanaged => CreateTensor(new Memory<T>(data), shape);

    /// <summary>
    /// A tensor over memory the caller owns, possibly on a device (<paramref name="memoryInfo"/> says where).
    /// The caller keeps the memory valid until this value is disposed.
    /// </summary>
    public static OrtValue CreateTensor(OrtMemoryInfo memoryInfo, nint data, long byteLength, TensorElementType type, ReadOnlySpan<long> shape)
    {
        var count = OrtTensorShapes.ElementCount(shape);
        if ((long)count * TensorElementTypes.SizeOf(type) > byteLength)
        {
            throw new ArgumentException($"{byteLength} bytes cannot hold {count} elements of {type}.", nameof(byteLength));
        }

        var value = CreateOverMemory(memoryInfo, data, byteLength, type, shape);
        return new OrtValue(new OrtValueHandle(value), default, count, type);
    }

    /// <summary>A tensor whose memory ORT allocates (zero-initialised is not guaranteed).</summary>
    public static OrtValue AllocateTensor<T>(params long[] shape)
        where T : unmanaged => AllocateTensor(TensorElementTypes.Of<T>(), shape, null);

    /// <summary>A tensor allocated by <paramref name="allocator"/> (default: ORT's CPU allocator).</summary>
    public static OrtValue AllocateTensor(TensorElementType type, ReadOnlySpan<long> shape, OrtAllocator? allocator)
    {
        var count = OrtTensorShapes.ElementCount(shape);
        nint value;
        fixed (long* shapePtr = shape)
        {
            OrtStatus.Check(
                OrtApi.CreateTensorAsOrtValue((allocator ?? OrtAllocator.Default).Pointer, shapePtr, (nuint)shape.Length, (int)type, &value),
                "CreateTensorAsOrtValue");
        }

        return new OrtValue(new OrtValueHandle(value), default, count, type);
    }

    /// <summary>Takes ownership of a value ORT returned.</summary>
    internal static OrtValue FromNative(nint value) => new(new OrtValueHandle(value), default, -1, TensorElementType.Undefined);

    /// <summary>The tensor's elements in place (CPU-accessible tensors only); <typeparamref name="T"/> must match.</summary>
    public Span<T> GetTensorSpan<T>()
        where T : unmanaged
    {
        EnsureTensorInfo();
        var requested = TensorElementTypes.Of<T>();
        if (requested != elementType)
        {
            throw new InvalidOperationException($"The tensor holds {elementType}, not {requested}.");
        }

        if (elementCount > int.MaxValue)
        {
            throw new InvalidOperationException($"The tensor has {elementCount} elements, more than a span can address.");
        }

        void* data;
        OrtStatus.Check(OrtApi.GetTensorMutableData(Pointer, &data), "GetTensorMutableData");
        return new Span<T>(data, (int)elementCount);
    }

    /// <summary>A managed copy of the tensor's elements.</summary>
    public T[] ToArray<T>()
        where T : unmanaged => GetTensorSpan<T>().ToArray();

    public void Dispose()
    {
        handle.Dispose();
        pin.Dispose();
        pin = default;
    }

    private static nint CreateOverMemory(OrtMemoryInfo memoryInfo, nint data, long byteLength, TensorElementType type, ReadOnlySpan<long> shape)
    {
        nint value;
        fixed (long* shapePtr = shape)
        {
            OrtStatus.Check(
                OrtApi.CreateTensorWithDataAsOrtValue(memoryInfo.Pointer, (void*)data, (nuint)byteLength, shapePtr, (nuint)shape.Length, (int)type, &value),
                "CreateTensorWithDataAsOrtValue");
        }

        return value;
    }

    private OrtTensorTypeAndShapeInfoHandle TensorTypeAndShape()
    {
        nint info;
        OrtStatus.Check(OrtApi.GetTensorTypeAndShape(Pointer, &info), "GetTensorTypeAndShape");
        return new OrtTensorTypeAndShapeInfoHandle(info);
    }

    // A value's type and size never change, so they are read once; racing first readers write the same numbers.
    private void EnsureTensorInfo()
    {
        if (Volatile.Read(ref elementCount) >= 0)
        {
            return;
        }

        nint info;
        OrtStatus.Check(OrtApi.GetTensorTypeAndShape(Pointer, &info), "GetTensorTypeAndShape");
        try
        {
            int type;
            nuint count;
            OrtStatus.Check(OrtApi.GetTensorElementType(info, &type), "GetTensorElementType");
            OrtStatus.Check(OrtApi.GetTensorShapeElementCount(info, &count), "GetTensorShapeElementCount");
            elementType = (TensorElementType)type;

            // Published last: a reader that sees the count also sees the type.
            Volatile.Write(ref elementCount, (long)count);
        }
        finally
        {
            OrtApi.ReleaseTensorTypeAndShapeInfo(info);
        }
    }
}
