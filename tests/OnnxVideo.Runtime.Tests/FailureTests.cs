using OnnxVideo.Media;

namespace OnnxVideo.Runtime.Tests;

[Collection(VideoCollection.Name)]
public sealed class FailureTests(VideoFixture videos)
{
    [Fact]
    public async Task A_folder_of_good_and_bad_videos_classifies_every_good_one_and_reports_every_bad_one_with_its_reason()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, PadShortVideos = false, DecodeWorkers = 2, MaxBatchSize = 4,
        });
        var inputs = VideoInputList.Expand([videos.MixedFolder]).Order(StringComparer.Ordinal).ToList();
        inputs.Add(Path.Combine(videos.MixedFolder, "missing.mp4"));

        var results = new List<ClassificationResult>();
        await foreach (var result in classifier.ClassifyManyAsync(inputs))
        {
            results.Add(result);
        }

        Assert.Equal(inputs, results.Select(r => r.Source));
        var byName = results.ToDictionary(r => Path.GetFileName(r.Source));
        foreach (var good in videos.Good.Select(Path.GetFileName))
        {
            Assert.True(byName[good!].Succeeded, byName[good!].Error?.ToString());
            Assert.Equal(5, byName[good!].Top.Count);
        }
        Assert.Equal(ClassificationFailure.TooShort, byName["short.mp4"].Error?.Reason);
        Assert.Equal(ClassificationFailure.Unreadable, byName["empty.mp4"].Error?.Reason);
        Assert.Equal(ClassificationFailure.Unreadable, byName["garbage.mp4"].Error?.Reason);
        Assert.Equal(ClassificationFailure.Unreadable, byName["truncated.mp4"].Error?.Reason);
        Assert.Equal(ClassificationFailure.Unreadable, byName["audio_only.mp4"].Error?.Reason);
        Assert.Contains(nameof(VideoInputError.NoVideoStream), byName["audio_only.mp4"].Error!.Message);
        Assert.Equal(ClassificationFailure.NotFound, byName["missing.mp4"].Error?.Reason);
        foreach (var failed in results.Where(r => !r.Succeeded))
        {
            Assert.Contains(Path.GetFileName(failed.Source), failed.Error!.Message);
            Assert.Empty(failed.Top);
        }
    }

    [Fact]
    public async Task A_short_video_is_padded_by_default()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        var result = await classifier.ClassifyAsync(Path.Combine(videos.MixedFolder, "short.mp4"));
        Assert.True(result.Succeeded, result.Error?.ToString());
    }

    [Fact]
    public async Task An_item_past_its_deadline_is_reported_and_the_classifier_keeps_working()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.ModelPath, ItemTimeout = TimeSpan.FromTicks(1), WarmUp = false,
        });
        var result = await classifier.ClassifyAsync(videos.Good[0]);
        Assert.Equal(ClassificationFailure.DeadlineExceeded, result.Error?.Reason);
        Assert.Contains(videos.Good[0], result.Error!.Message);
    }

    [Fact]
    public async Task Cancelling_a_stream_throws_and_leaves_the_classifier_usable()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, DecodeWorkers = 2 });
        using var cts = new CancellationTokenSource();
        var many = Enumerable.Repeat(videos.Good, 25).SelectMany(x => x).ToList();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var result in classifier.ClassifyManyAsync(many, cts.Token))
            {
                Assert.True(result.Succeeded);
                if (++seen == 2)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.True(seen < many.Count);
        var after = await classifier.ClassifyAsync(videos.Good[1]);
        Assert.True(after.Succeeded, after.Error?.ToString());
    }

    [Fact]
    public async Task Disposing_the_classifier_mid_stream_ends_the_stream_instead_of_hanging()
    {
        var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, DecodeWorkers = 2 });
        var many = Enumerable.Repeat(videos.Good, 25).SelectMany(x => x).ToList();
        int seen = 0;
        var stream = Task.Run(async () =>
        {
            await foreach (var result in classifier.ClassifyManyAsync(many))
            {
                if (++seen == 1)
                {
                    await classifier.DisposeAsync();
                }
            }
        });

        // The bound only turns a deadlock into a failure; nothing here measures speed.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => stream.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.True(error is ObjectDisposedException or OperationCanceledException, error.ToString());
        Assert.True(seen < many.Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => classifier.ClassifyAsync(videos.Good[0]));
    }

    [Fact]
    public async Task A_model_without_contract_is_refused_by_name_unless_the_caller_supplies_one()
    {
        var e = Assert.Throws<InvalidContractException>(() => new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.BareModelPath }));
        Assert.Contains(videos.BareModelPath, e.Message);
        Assert.Equal(videos.BareModelPath, e.ContractSource);

        await using var withContract = new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.BareModelPath, Contract = TinyVideoModel.Contract, WarmUp = false,
        });
        await using var fromMetadata = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        var a = await withContract.ClassifyAsync(videos.Good[2]);
        var b = await fromMetadata.ClassifyAsync(videos.Good[2]);
        Assert.Equal(b.Probabilities, a.Probabilities);
    }

    [Fact]
    public void A_contract_that_does_not_fit_the_model_input_is_refused_by_name()
    {
        var e = Assert.Throws<VideoModelException>(() => new VideoClassifier(new VideoClassifierOptions
        {
            ModelPath = videos.BareModelPath, Contract = TinyVideoModel.Contract with { Frames = 6 },
        }));
        Assert.Contains(videos.BareModelPath, e.Message);
        Assert.Throws<VideoModelException>(() => new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.File("nope.onnx") }));
    }
}
