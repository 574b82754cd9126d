"""A key project's service requests (7x24): its link to casework's problems."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0009_project_service'),
        ('projects', '0002_guarantees'),
    ]

    operations = [
        migrations.CreateModel(
            name='ServiceRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('problem', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='project_service', to='casework.problem', verbose_name='problem')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_requests', to='projects.project', verbose_name='key project')),
            ],
            options={
                'verbose_name': 'service request',
                'verbose_name_plural': 'service requests',
                'ordering': ['-created_at', '-id'],
            },
        ),
    ]
