namespace OnnxVideo.Training.Loading;

/// <summary>Seeded shuffling: the order of an epoch depends only on the seed and the epoch number.</summary>
internal static class EpochOrder
{
    public static int[] Permutation(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(Mix(seed, epoch, -1)).Shuffle(order);
        return order;
    }

    /// <summary>A well-spread 31-bit seed from three integers (SplitMix64 finaliser).</summary>
    public static int Mix(int a, int b, int c)
    {
        var x = unchecked((ulong)(uint)a * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)b * 0xBF58476D1CE4E5B9UL ^ (ulong)(uint)c * 0x94D049BB133111EBUL);
        x ^= x >> 30;
        x = unchecked(x * 0xBF58476D1CE4E5B9UL);
        x ^= x >> 27;
        x = unchecked(x * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return (int)(x & 0x7FFFFFFF);
    }
}
