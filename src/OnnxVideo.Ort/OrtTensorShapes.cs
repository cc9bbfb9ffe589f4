using OnnxVideo.Ort.Native;

namespace OnnxVideo.Ort;

/// <summary>Shape helpers shared by values and type information.</summary>
internal static unsafe class OrtTensorShapes
{
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] has a negative dimension.", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }

    public static long[] Dimensions(nint tensorInfo)
    {
        nuint rank;
        OrtStatus.Check(OrtApi.GetDimensionsCount(tensorInfo, &rank), "GetDimensionsCount");
        var dims = new long[(int)rank];
        fixed (long* dimsPtr = dims)
        {
            OrtStatus.Check(OrtApi.GetDimensions(tensorInfo, dimsPtr, rank), "GetDimensions");
        }

        return dims;
    }

    public static string[] SymbolicDimensions(nint tensorInfo)
    {
        nuint rank;
        OrtStatus.Check(OrtApi.GetDimensionsCount(tensorInfo, &rank), "GetDimensionsCount");
        var names = new byte*[(int)rank];
        fixed (byte** namesPtr = names)
        {
            OrtStatus.Check(OrtApi.GetSymbolicDimensions(tensorInfo, namesPtr, rank), "GetSymbolicDimensions");
        }

        var result = new string[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            result[i] = Utf8.ToString(names[i]);
        }

        return result;
    }
}
