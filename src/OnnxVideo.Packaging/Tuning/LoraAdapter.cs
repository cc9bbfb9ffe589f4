namespace OnnxVideo.Packaging.Tuning;

/// <summary>
/// One LoRA adapter: trainable A [r, in] and B [out, r] added to the frozen weight; for a convolution A is
/// [r, in, k…] (a convolution with the base's kernel) and B [out, r, 1…] (pointwise).
/// </summary>
internal sealed record LoraAdapter(
    string Weight,
    string A,
    string B,
    float Scale,
    LoraWeightLayout Layout,
    IReadOnlyList<long> WeightShape,
    IReadOnlyList<LoraJoin> Joins)
{
    public const string ASuffix = ".lora_A";
    public const string BSuffix = ".lora_B";

    /// <summary>
    /// W + Scale·B·A in the weight's own layout (row-major float32); a convolution weight is taken as
    /// [out, in·k…] and A as [r, in·k…].
    /// </summary>
    public float[] Merge(ReadOnlySpan<float> weight, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var (outDim, inDim) = Layout == LoraWeightLayout.InputMajor
            ? (WeightShape[1], WeightShape[0])
            : (WeightShape[0], WeightShape.Skip(1).Aggregate(1L, (p, d) => p * d));
        var rank = a.Length / (int)inDim;
        if (weight.Length != outDim * inDim || a.Length != rank * inDim || b.Length != outDim * rank)
        {
            throw new ArgumentException($"LoRA merge of '{Weight}': sizes do not match (W {weight.Length}, A {a.Length}, B {b.Length})");
        }
        var merged = weight.ToArray();
        for (var o = 0; o < outDim; o++)
        {
            for (var i = 0; i < inDim; i++)
            {
                double sum = 0;
                for (var k = 0; k < rank; k++)
                {
                    sum += (double)b[(int)(o * rank + k)] * a[(int)(k * inDim + i)];
                }
                var at = Layout == LoraWeightLayout.InputMajor ? i * outDim + o : o * inDim + i;
                merged[at] += (float)(Scale * sum);
            }
        }
        return merged;
    }
}
