namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>
/// A tensor as a rebuild call in the pickle describes it: a view (offset, shape, strides in elements) of a storage.
/// Only made by <see cref="TorchPickleGlobals"/>, which has checked that every element lies inside the storage.
/// </summary>
internal sealed record TorchTensorRef(TorchStorageRef Storage, long StorageOffset, long[] Shape, long[] Strides)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (var i = Shape.Length - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && Strides[i] != expected)
                {
                    return false;
                }
                expected *= Shape[i];
            }
            return true;
        }
    }
}
