using System.Numerics.Tensors;

namespace OnnxVideo.Runtime;

/// <summary>Softmax, averaging and top-k over class score vectors.</summary>
internal static class ScoreMath
{
    /// <summary>Numerically stable softmax of <paramref name="logits"/> into <paramref name="destination"/>.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> destination)
    {
        if (logits.Length == 0)
        {
            return;
        }
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, destination);
        TensorPrimitives.Exp(destination, destination);
        float sum = TensorPrimitives.Sum(destination);
        TensorPrimitives.Divide(destination, sum, destination);
    }

    public static int ArgMax(ReadOnlySpan<float> scores) => scores.Length == 0 ? -1 : TensorPrimitives.IndexOfMax(scores);

    /// <summary>
    /// The <paramref name="k"/> highest scores, best first; ties keep the lower class index first. Labels missing from
    /// <paramref name="labels"/> are named "class_i".
    /// </summary>
    public static LabelScore[] TopK(ReadOnlySpan<float> scores, IReadOnlyList<string> labels, int k)
    {
        k = Math.Clamp(k, 0, scores.Length);
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var values = scores.ToArray();
        Array.Sort(order, (a, b) =>
        {
            int byScore = values[b].CompareTo(values[a]);
            return byScore != 0 ? byScore : a.CompareTo(b);
        });
        var top = new LabelScore[k];
        for (int i = 0; i < k; i++)
        {
            int c = order[i];
            top[i] = new LabelScore(LabelOf(labels, c), c, values[c]);
        }
        return top;
    }

    public static string LabelOf(IReadOnlyList<string> labels, int index) =>
        index < labels.Count ? labels[index] : $"class_{index}";

    /// <summary>Element-wise mean of equally long vectors.</summary>
    public static float[] Mean(IReadOnlyList<float[]> vectors)
    {
        if (vectors.Count == 0)
        {
            return [];
        }
        var sum = new float[vectors[0].Length];
        foreach (var v in vectors)
        {
            TensorPrimitives.Add(sum, v, sum);
        }
        TensorPrimitives.Divide(sum, vectors.Count, sum);
        return sum;
    }
}
