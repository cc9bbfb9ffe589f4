using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>A tensor's elements in row-major order, gathered from its storage by offset and strides, as float32.</summary>
internal static class TorchTensorValues
{
    public static float[] ToFloats(ReadOnlySpan<byte> storage, TorchTensorRef tensor)
    {
        var size = TorchDTypes.ElementSize(tensor.Storage.DType);
        var count = checked((int)tensor.ElementCount);
        if (tensor.IsContiguous)
        {
            var bytes = storage.Slice(checked((int)(tensor.StorageOffset * size)), count * size);
            return Convert(bytes, tensor.Storage.DType);
        }
        var gathered = new byte[count * size];
        var index = 0;
        foreach (var element in ElementIndices(tensor))
        {
            storage.Slice((int)(element * size), size).CopyTo(gathered.AsSpan(index * size));
            index++;
        }
        return Convert(gathered, tensor.Storage.DType);
    }

    /// <summary>Storage indices of the tensor's elements in row-major order (an odometer over the shape).</summary>
    private static IEnumerable<long> ElementIndices(TorchTensorRef tensor)
    {
        var rank = tensor.Shape.Length;
        if (tensor.ElementCount == 0)
        {
            yield break;
        }
        var position = new long[rank];
        var element = tensor.StorageOffset;
        while (true)
        {
            yield return element;
            var axis = rank - 1;
            while (axis >= 0 && position[axis] == tensor.Shape[axis] - 1)
            {
                element -= position[axis] * tensor.Strides[axis];
                position[axis] = 0;
                axis--;
            }
            if (axis < 0)
            {
                yield break;
            }
            position[axis]++;
            element += tensor.Strides[axis];
        }
    }

    private static float[] Convert(ReadOnlySpan<byte> bytes, TorchDType dtype)
    {
        var size = TorchDTypes.ElementSize(dtype);
        var values = new float[bytes.Length / size];
        switch (dtype)
        {
            case TorchDType.Float32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
                break;
            case TorchDType.Float16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)halves[i];
                }
                break;
            case TorchDType.BFloat16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }
                break;
            default:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)ElementAsDouble(bytes.Slice(i * size, size), dtype);
                }
                break;
        }
        return values;
    }

    private static double ElementAsDouble(ReadOnlySpan<byte> bytes, TorchDType dtype) => dtype switch
    {
        TorchDType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        TorchDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
        TorchDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        TorchDType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        TorchDType.Int8 => (sbyte)bytes[0],
        TorchDType.UInt8 or TorchDType.Bool => bytes[0],
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a storage dtype"),
    };
}
