using System.Numerics.Tensors;

namespace OnnxVideo.Media;

/// <summary>
/// Turns T rgb24 frames into one normalised model sample, <c>(p / 255 − mean) / std</c> per channel, in the contract's
/// channel order and layout ([3, T, C, C] for NCTHW, [T, 3, C, C] for NTCHW), as float32 or float16, into a caller
/// buffer. A batch is consecutive samples: write sample i into <c>dest.Slice(i * SampleElements)</c>.
/// </summary>
internal sealed class ClipPreprocessor
{
    private readonly PreprocessingContract _contract;
    // Per model channel: 1 / (255 std) repeated over a row (TensorPrimitives multiplies span by span), and −mean / std.
    private readonly float[][] _scaleRow = new float[3][];
    private readonly float[] _bias = new float[3];
    // Source byte offset (0 = R, 2 = B) for model channel c.
    private readonly int[] _sourceChannel;

    public ClipPreprocessor(PreprocessingContract contract)
    {
        contract.Validate();
        _contract = contract;
        for (var c = 0; c < 3; c++)
        {
            _scaleRow[c] = new float[contract.CropSize];
            Array.Fill(_scaleRow[c], 1f / (255f * contract.Std[c]));
            _bias[c] = -contract.Mean[c] / contract.Std[c];
        }
        _sourceChannel = contract.ChannelOrder == ChannelOrder.Rgb ? [0, 1, 2] : [2, 1, 0];
    }

    public PreprocessingContract Contract => _contract;
    public int Frames => _contract.Frames;
    public int CropSize => _contract.CropSize;
    /// <summary>Elements of one sample: 3 × T × CropSize².</summary>
    public int SampleElements => 3 * _contract.Frames * _contract.CropSize * _contract.CropSize;

    /// <summary>Normalises the <paramref name="crop"/> (CropSize square) of each of the T frames in
    /// <paramref name="rgbFrames"/> (each <paramref name="frameWidth"/>×<paramref name="frameHeight"/> rgb24) into
    /// <paramref name="destination"/> (at least <see cref="SampleElements"/> floats).</summary>
    public void Process(ReadOnlySpan<byte> rgbFrames, int frameWidth, int frameHeight, CropRegion crop, Span<float> destination)
    {
        Check(rgbFrames.Length, frameWidth, frameHeight, crop, destination.Length);
        Span<float> row = stackalloc float[CropSize];
        ProcessCore(rgbFrames, frameWidth, frameHeight, crop, destination, row, default);
    }

    /// <summary>As <see cref="Process(ReadOnlySpan{byte}, int, int, CropRegion, Span{float})"/>, writing float16.</summary>
    public void Process(ReadOnlySpan<byte> rgbFrames, int frameWidth, int frameHeight, CropRegion crop, Span<Half> destination)
    {
        Check(rgbFrames.Length, frameWidth, frameHeight, crop, destination.Length);
        Span<float> row = stackalloc float[CropSize];
        ProcessCore(rgbFrames, frameWidth, frameHeight, crop, default, row, destination);
    }

    /// <summary>Whole-frame convenience: frames are already CropSize × CropSize.</summary>
    public void Process(ReadOnlySpan<byte> rgbFrames, Span<float> destination) =>
        Process(rgbFrames, CropSize, CropSize, new CropRegion(0, 0, CropSize, CropSize), destination);

    public void Process(ReadOnlySpan<byte> rgbFrames, Span<Half> destination) =>
        Process(rgbFrames, CropSize, CropSize, new CropRegion(0, 0, CropSize, CropSize), destination);

    private void Check(int bytes, int frameWidth, int frameHeight, CropRegion crop, int destinationLength)
    {
        if (crop.Width != CropSize || crop.Height != CropSize || !crop.FitsIn(frameWidth, frameHeight))
        {
            throw new ArgumentException($"crop {crop} must be {CropSize}x{CropSize} inside the {frameWidth}x{frameHeight} frame");
        }
        if (bytes < (long)Frames * frameWidth * frameHeight * 3)
        {
            throw new ArgumentException($"{bytes} bytes of frames given, {Frames} frames of {frameWidth}x{frameHeight} rgb24 needed");
        }
        if (destinationLength < SampleElements)
        {
            throw new ArgumentException($"destination holds {destinationLength} elements, {SampleElements} needed");
        }
    }

    private void ProcessCore(ReadOnlySpan<byte> frames, int frameWidth, int frameHeight, CropRegion crop,
        Span<float> floats, Span<float> row, Span<Half> halves)
    {
        var t = Frames;
        var side = CropSize;
        var plane = side * side;
        var frameBytes = frameWidth * frameHeight * 3;
        var ncthw = _contract.Layout == TensorLayout.NCTHW;
        for (var f = 0; f < t; f++)
        {
            var frame = frames.Slice(f * frameBytes, frameBytes);
            for (var c = 0; c < 3; c++)
            {
                var planeStart = ncthw ? (c * t + f) * plane : (f * 3 + c) * plane;
                var source = _sourceChannel[c];
                for (var y = 0; y < side; y++)
                {
                    var line = frame.Slice(((crop.Y + y) * frameWidth + crop.X) * 3, side * 3);
                    for (var x = 0; x < side; x++)
                    {
                        row[x] = line[x * 3 + source];
                    }
                    var at = planeStart + y * side;
                    if (halves.IsEmpty)
                    {
                        TensorPrimitives.MultiplyAdd(row, _scaleRow[c], _bias[c], floats.Slice(at, side));
                    }
                    else
                    {
                        TensorPrimitives.MultiplyAdd(row, _scaleRow[c], _bias[c], row);
                        TensorPrimitives.ConvertToHalf(row, halves.Slice(at, side));
                    }
                }
            }
        }
    }
}
