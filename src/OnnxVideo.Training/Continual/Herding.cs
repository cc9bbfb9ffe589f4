namespace OnnxVideo.Training.Continual;

/// <summary>
/// iCaRL's exemplar selection (Rebuffi et al. 2017, Algorithm 4): on L2-normalised features, the k-th exemplar is the
/// clip that brings the mean of the first k exemplars closest to the class mean. The order is the priority order.
/// </summary>
internal static class Herding
{
    /// <summary>Indices of the first <paramref name="count"/> exemplars among <paramref name="features"/>, in selection order.</summary>
    public static int[] Select(IReadOnlyList<float[]> features, int count)
    {
        count = Math.Min(count, features.Count);
        if (count <= 0)
        {
            return [];
        }
        var unit = features.Select(Normalised).ToArray();
        var length = unit[0].Length;
        var mean = new double[length];
        foreach (var f in unit)
        {
            for (var j = 0; j < length; j++)
            {
                mean[j] += f[j] / unit.Length;
            }
        }
        var sum = new double[length];
        var taken = new bool[unit.Length];
        var order = new int[count];
        for (var k = 1; k <= count; k++)
        {
            var best = -1;
            var bestDistance = double.PositiveInfinity;
            for (var i = 0; i < unit.Length; i++)
            {
                if (taken[i])
                {
                    continue;
                }
                double distance = 0;
                for (var j = 0; j < length; j++)
                {
                    var d = mean[j] - (sum[j] + unit[i][j]) / k;
                    distance += d * d;
                }
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = i;
                }
            }
            taken[best] = true;
            order[k - 1] = best;
            for (var j = 0; j < length; j++)
            {
                sum[j] += unit[best][j];
            }
        }
        return order;
    }

    private static double[] Normalised(float[] feature)
    {
        var norm = Math.Sqrt(feature.Sum(v => (double)v * v));
        return feature.Select(v => norm > 1e-12 ? v / norm : 0.0).ToArray();
    }
}
