namespace OnnxVideo.Media.Tests;

public sealed class SamplerTests
{
    private static ClipSampler Sampler(SamplingMode mode, int frames, int stride = 1, int clips = 1,
        ShortVideoPolicy policy = ShortVideoPolicy.RepeatLast) =>
        new(new PreprocessingContract { Sampling = mode, Frames = frames, Stride = stride, TestClips = clips }, policy);

    [Fact]
    public void Uniform_segments_take_segment_centres_at_test_time()
    {
        // 30 frames in 8 segments of 3.75: centres 1.875, 5.625, … floored.
        Assert.Equal([1, 5, 9, 13, 16, 20, 24, 28], Sampler(SamplingMode.UniformSegments, 8).TestFrameIndices(30));
    }

    [Fact]
    public void Several_test_clips_take_evenly_spread_offsets_in_each_segment()
    {
        // Offsets 1/4 and 3/4 of a segment: 0.9375 + 3.75k and 2.8125 + 3.75k.
        Assert.Equal([0, 4, 8, 12, 15, 19, 23, 27, 2, 6, 10, 14, 17, 21, 25, 29],
            Sampler(SamplingMode.UniformSegments, 8, clips: 2).TestFrameIndices(30));
    }

    [Fact]
    public void Dense_clip_is_centred_at_test_time()
    {
        // Span (4 − 1) × 2 + 1 = 7; free room 23; centre start floor(11.5) = 11.
        Assert.Equal([11, 13, 15, 17], Sampler(SamplingMode.Dense, 4, stride: 2).TestFrameIndices(30));
        // Three clips at 1/6, 3/6, 5/6 of the free room: starts 3, 11, 19.
        Assert.Equal([3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25],
            Sampler(SamplingMode.Dense, 4, stride: 2, clips: 3).TestFrameIndices(30));
    }

    [Theory]
    [InlineData(ShortVideoPolicy.RepeatLast, new[] { 0, 2, 4, 4 })]
    [InlineData(ShortVideoPolicy.Loop, new[] { 0, 2, 4, 1 })]
    public void Dense_clip_longer_than_the_video_follows_the_policy(ShortVideoPolicy policy, int[] expected)
    {
        Assert.Equal(expected, Sampler(SamplingMode.Dense, 4, stride: 2, policy: policy).TestFrameIndices(5));
    }

    [Theory]
    [InlineData(ShortVideoPolicy.RepeatLast, new[] { 0, 1, 2, 2, 2, 2, 2, 2 })]
    [InlineData(ShortVideoPolicy.Loop, new[] { 0, 1, 2, 0, 1, 2, 0, 1 })]
    public void Segments_with_fewer_frames_than_the_clip_follow_the_policy(ShortVideoPolicy policy, int[] expected)
    {
        Assert.Equal(expected, Sampler(SamplingMode.UniformSegments, 8, policy: policy).TestFrameIndices(3));
    }

    [Fact]
    public void Training_uniform_sampling_is_random_inside_each_segment_and_seeded()
    {
        var sampler = Sampler(SamplingMode.UniformSegments, 8);
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 20; seed++)
        {
            var a = sampler.TrainingFrameIndices(30, new Random(seed));
            Assert.Equal(a, sampler.TrainingFrameIndices(30, new Random(seed)));
            for (var k = 0; k < 8; k++)
            {
                Assert.InRange(a[k], (int)Math.Floor(3.75 * k), (int)Math.Ceiling(3.75 * (k + 1)) - 1);
            }
            seen.Add(string.Join(',', a));
        }
        Assert.True(seen.Count > 10, "different seeds should give different clips");
    }

    [Fact]
    public void Training_dense_start_is_random_and_keeps_the_stride()
    {
        var sampler = Sampler(SamplingMode.Dense, 4, stride: 3);
        var starts = new HashSet<int>();
        for (var seed = 0; seed < 30; seed++)
        {
            var clip = sampler.TrainingFrameIndices(20, new Random(seed));
            Assert.InRange(clip[0], 0, 20 - 10);
            Assert.Equal([clip[0], clip[0] + 3, clip[0] + 6, clip[0] + 9], clip);
            starts.Add(clip[0]);
        }
        Assert.True(starts.Count > 4);
        Assert.Equal(sampler.TestFrameIndices(20), sampler.TrainingFrameIndices(20, null));
    }

    [Fact]
    public void Indices_become_timestamps_at_the_frame_rate()
    {
        Assert.Equal([0, 0.5, 2.5], ClipSampler.ToTimestamps([0, 1, 5], 2));
    }
}
