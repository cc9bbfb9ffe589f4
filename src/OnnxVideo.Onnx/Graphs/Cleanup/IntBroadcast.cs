using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>Numpy-style broadcasting of small integer tensors through an element function.</summary>
internal static class IntBroadcast
{
    /// <summary>
    /// The element-wise result of <paramref name="apply"/> over the broadcast inputs; null when the shapes do not
    /// broadcast, the result is too large, or <paramref name="apply"/> returns null for an element (division by zero,
    /// overflow).
    /// </summary>
    public static IntTensor? Map(IReadOnlyList<IntTensor> inputs, DataType resultType, Func<long[], long?> apply)
    {
        var rank = inputs.Max(t => t.Rank);
        var dims = new long[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            long size = 1;
            foreach (var t in inputs)
            {
                var d = DimFromRight(t, rank - axis);
                if (d != 1 && size != 1 && d != size)
                {
                    return null;
                }
                size = d == 1 ? size : d;
            }
            dims[axis] = size;
        }
        var count = IntTensor.CountOf(dims);
        if (count > IntTensor.MaxElements)
        {
            return null;
        }
        var values = new long[count];
        var index = new long[rank];
        var elements = new long[inputs.Count];
        for (var flat = 0; flat < count; flat++)
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                elements[i] = inputs[i].Values[Offset(inputs[i], index, rank)];
            }
            if (apply(elements) is not long value)
            {
                return null;
            }
            values[flat] = value;
            Advance(index, dims);
        }
        return new IntTensor(resultType, dims, values);
    }

    private static long DimFromRight(IntTensor t, int fromRight) => fromRight <= t.Rank ? t.Dims[t.Rank - fromRight] : 1;

    private static long Offset(IntTensor t, long[] index, int rank)
    {
        long offset = 0;
        for (var axis = 0; axis < t.Rank; axis++)
        {
            var d = t.Dims[axis];
            offset = offset * d + (d == 1 ? 0 : index[rank - t.Rank + axis]);
        }
        return offset;
    }

    private static void Advance(long[] index, long[] dims)
    {
        for (var axis = dims.Length - 1; axis >= 0; axis--)
        {
            if (++index[axis] < dims[axis])
            {
                return;
            }
            index[axis] = 0;
        }
    }
}
