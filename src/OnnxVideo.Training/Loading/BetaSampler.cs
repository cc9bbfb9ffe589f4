namespace OnnxVideo.Training.Loading;

/// <summary>Beta(α, α) samples from two Gamma(α, 1) samples (Marsaglia and Tsang, with the α &lt; 1 boost).</summary>
internal static class BetaSampler
{
    public static double Symmetric(Random random, double alpha)
    {
        var x = Gamma(random, alpha);
        var y = Gamma(random, alpha);
        return x + y > 0 ? x / (x + y) : (random.NextDouble() < 0.5 ? 0.0 : 1.0);
    }

    private static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            // Gamma(a) = Gamma(a + 1)·U^(1/a).
            var boost = Math.Pow(1.0 - random.NextDouble(), 1.0 / shape);
            return Gamma(random, shape + 1) * boost;
        }
        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1.0 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            var u = 1.0 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }

    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
