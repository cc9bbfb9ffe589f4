using System.Globalization;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Onnx;

namespace OnnxVideo.Runtime.Tests;

[Collection(VideoCollection.Name)]
public sealed class IndependentPathTests(VideoFixture videos)
{
    [Fact]
    public Task Centre_crop_results_equal_ffmpeg_cli_frames_with_written_out_preprocessing_and_a_plain_run() =>
        AssertMatchesReference(videos.ModelPath, TinyVideoModel.Contract);

    [Fact]
    public Task Zoo_tiny3d_with_dense_sampling_equals_the_independent_path()
    {
        var contract = new PreprocessingContract
        {
            Frames = 8, Sampling = SamplingMode.Dense, Stride = 2, TestClips = 2, ResizeShortSide = 72, CropSize = 64,
            Labels = ["walk", "run", "jump"],
        };
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3, Frames = 8, Size = 64, Seed = 11 });
        ModelContracts.Write(model, contract);
        var path = videos.File("zoo-tiny3d.onnx");
        OnnxModelFile.Save(model, path);
        return AssertMatchesReference(path, contract);
    }

    private async Task AssertMatchesReference(string modelPath, PreprocessingContract contract)
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = modelPath, MaxBatchSize = 3 });
        foreach (var video in videos.Good)
        {
            var (w, h) = ReferencePipeline.Size(video);
            int shortSide = Math.Min(w, h);
            int side = (int)Math.Round((double)contract.CropSize * shortSide / contract.ResizeShortSide);
            int x = (w - side) / 2, y = (h - side) / 2;
            var frames = ReferencePipeline.DecodeAll(video,
                FormattableString.Invariant($"crop={side}:{side}:{x}:{y}:exact=1,scale={contract.CropSize}:{contract.CropSize}:flags=bilinear,format=rgb24"),
                contract.CropSize, contract.CropSize);
            var clips = Enumerable.Range(0, contract.TestClips)
                .Select(c => ReferencePipeline.ClipIndices(frames.Length, contract, c))
                .Select(indices => ReferencePipeline.Normalize(indices.Select(i => frames[i]).ToArray(), contract.CropSize, 0, 0, contract))
                .ToArray();
            var expectedPerClip = ReferencePipeline.Probabilities(modelPath, clips, contract);
            var expected = ReferencePipeline.Mean(expectedPerClip);

            var result = await classifier.ClassifyAsync(video);

            Assert.True(result.Succeeded, result.Error?.ToString());
            Assert.Equal(expected.Length, result.Probabilities.Length);
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], result.Probabilities[k], 1e-4f);
            }
            Assert.Equal(contract.TestClips, result.Clips.Count);
            for (int c = 0; c < contract.TestClips; c++)
            {
                for (int k = 0; k < expected.Length; k++)
                {
                    Assert.Equal(expectedPerClip[c][k], result.Clips[c].Probabilities[k], 1e-4f);
                }
            }
            var expectedTop = Enumerable.Range(0, expected.Length).OrderByDescending(k => expected[k]).First();
            Assert.Equal(contract.Labels[expectedTop], result.Top[0].Label);
            Assert.True(result.Timings.Decode > TimeSpan.Zero && result.Timings.Inference > TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task Three_crop_results_equal_short_side_resized_frames_cropped_at_start_centre_and_end()
    {
        var contract = TinyVideoModel.Contract with { TestClips = 1 };
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, Crops = 3, Clips = 1, WarmUp = false,
        });
        var video = videos.Good[0];
        var (w, h) = ReferencePipeline.Size(video);
        Assert.True(w > h);
        int sw = (int)Math.Round((double)w * contract.ResizeShortSide / h), sh = contract.ResizeShortSide;
        var frames = ReferencePipeline.DecodeAll(video,
            string.Create(CultureInfo.InvariantCulture, $"scale={sw}:{sh}:flags=bilinear,format=rgb24"), sw, sh);
        var indices = ReferencePipeline.ClipIndices(frames.Length, contract, 0);
        var picked = indices.Select(i => frames[i]).ToArray();
        int cy = (sh - contract.CropSize) / 2;
        var crops = new[] { 0, (sw - contract.CropSize) / 2, sw - contract.CropSize }
            .Select(cx => ReferencePipeline.Normalize(picked, sw, cx, cy, contract)).ToArray();
        var expected = ReferencePipeline.Mean(ReferencePipeline.Probabilities(videos.ModelPath, crops, contract));

        var result = await classifier.ClassifyAsync(video);

        Assert.True(result.Succeeded, result.Error?.ToString());
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], result.Probabilities[k], 1e-4f);
        }
    }

    [Fact]
    public async Task Application_frames_are_sampled_cropped_and_normalised_like_the_written_out_path()
    {
        var contract = TinyVideoModel.Contract;
        // 40x40 frames: the contract's centre crop is the 32x32 square at (4, 4), taken without rescaling.
        var frames = ReferencePipeline.DecodeAll(videos.Good[2], "scale=40:40:flags=bilinear,format=rgb24", 40, 40);
        var clips = Enumerable.Range(0, contract.TestClips)
            .Select(c => ReferencePipeline.ClipIndices(frames.Length, contract, c))
            .Select(indices => ReferencePipeline.Normalize(indices.Select(i => frames[i]).ToArray(), 40, 4, 4, contract))
            .ToArray();
        var expected = ReferencePipeline.Mean(ReferencePipeline.Probabilities(videos.ModelPath, clips, contract));
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });

        var result = await classifier.ClassifyFramesAsync(new RgbFrames("camera", 40, 40, frames.Select(f => (ReadOnlyMemory<byte>)f).ToArray(), 10));

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("camera", result.Source);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], result.Probabilities[k], 1e-4f);
        }
    }
}
